using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>
/// A populated circuit board on a dark table: green solder mask, traces and vias, silkscreen outlines, gold
/// connector fingers and mounting holes, two ICs, SMD resistors and capacitors and an electrolytic capacitor.
/// Every board has the same design (one product line); pose, colours and lighting vary per image. Its own
/// geometric defects are a misplaced part (<see cref="SyntheticDefectKind.Bent"/>) and a missing one
/// (<see cref="SyntheticDefectKind.MissingPiece"/>), which leave the part's solder pads where the design has them.
/// </summary>
internal sealed class PcbScene : Scene
{
    private const double BoardHalfWidth = 0.43;
    private const double BoardHalfHeight = 0.37;
    private const double HoleRadius = 0.014;
    private const double PinLength = 0.02;
    private const double TraceHalfWidth = 0.0045;
    private const double ViaRadius = 0.0065;

    private static readonly Layout Design = Layout.Build();

    private readonly double _bx, _by, _cos, _sin;
    private readonly Rgb _mask, _trace, _gold, _silk;
    private readonly Tabletop _table;
    private readonly ulong _maskSeed, _grainSeed;
    private Part?[] _bodies;

    public PcbScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _bx = 0.5 + Math.Clamp(0.012 * rng.Normal(), -0.025, 0.025);
        _by = 0.5 + Math.Clamp(0.012 * rng.Normal(), -0.025, 0.025);
        var angle = 0.015 * rng.Normal();
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _mask = new Rgb(0.08, 0.36, 0.2).Jitter(rng, 0.05);
        _trace = Rgb.Lerp(_mask, new Rgb(0.45, 0.75, 0.35), 0.3);
        _gold = new Rgb(0.82, 0.68, 0.36).Jitter(rng, 0.04);
        _silk = new Rgb(0.92, 0.92, 0.88).Jitter(rng, 0.02);
        _bodies = Design.Parts.Select(p => (Part?)p.Moved(0.0015 * rng.Normal(), 0.0015 * rng.Normal(), 0.01 * rng.Normal())).ToArray();
        _maskSeed = rng.NextUInt64();
        _grainSeed = rng.NextUInt64();
        _table = new Tabletop(new Rgb(0.19, 0.2, 0.22).Jitter(rng, 0.06), rng.NextUInt64(), vignette: 0.4, cloud: 0.12, shadow: 0.45);
    }

    public override bool IsTexture => false;

    public override (double X, double Y) Center => (_bx, _by);

    public override double Extent => Math.Sqrt(BoardHalfWidth * BoardHalfWidth + BoardHalfHeight * BoardHalfHeight);

    public override double DefectScale => 0.8;

    public override Scene? Deform(SyntheticDefectKind kind, SyntheticRandom rng)
    {
        if (kind is not (SyntheticDefectKind.Bent or SyntheticDefectKind.MissingPiece)) return null;
        var changed = (PcbScene)MemberwiseClone();
        changed._bodies = (Part?[])_bodies.Clone();
        var index = rng.Next(_bodies.Length);
        if (kind == SyntheticDefectKind.MissingPiece)
        {
            changed._bodies[index] = null;
        }
        else
        {
            var direction = rng.Angle();
            var shift = rng.Uniform(0.022, 0.04);
            changed._bodies[index] = _bodies[index]!.Moved(shift * Math.Cos(direction), shift * Math.Sin(direction), rng.Sign() * rng.Uniform(0.15, 0.35));
        }
        return changed;
    }

    public override Rgb Background(double x, double y) => _table.Shade(x, y, BoardOutline(x - 0.01, y - 0.016));

    public override double Distance(double x, double y) => BoardOutline(x, y);

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = Coverage(BoardOutline(x, y));
        if (coverage <= 0.0) return default;
        var (u, v) = Board(x, y);

        var colour = _mask * ((0.94 + 0.12 * Noise.Fbm(_maskSeed, x * 6.0, y * 6.0, 2)) * (1.0 + 0.02 * Grain(_grainSeed, x, y)));
        foreach (var trace in Design.Traces)
        {
            var d = trace.Distance(u, v);
            if (d < Pixel) colour = Rgb.Lerp(colour, _trace, Coverage(d));
        }
        foreach (var (vx, vy) in Design.Vias)
        {
            if (Math.Abs(u - vx) > 0.02 || Math.Abs(v - vy) > 0.02) continue;
            var r = Shapes.Circle(u - vx, v - vy, 0.0);
            colour = Rgb.Lerp(colour, _gold, Coverage(r - ViaRadius));
            colour = Rgb.Lerp(colour, Rgb.Grey(0.08), Coverage(r - 0.45 * ViaRadius));
        }
        foreach (var pad in Design.Parts)
        {
            if (!pad.Near(u, v, 0.03)) continue;
            var (pu, pv) = pad.Local(u, v);
            var (ox, oy) = pad.Outline;
            colour = Rgb.Lerp(colour, _silk, Coverage(Math.Abs(Shapes.Box(pu, pv, ox + 0.012, oy + 0.012, 0.004)) - 0.0018));
            colour = Rgb.Lerp(colour, _gold, Coverage(PadDistance(pad, pu, pv)));
        }
        var finger = Math.Abs(Shapes.Fract((u + 0.245) / 0.07 + 0.5) - 0.5) * 0.07;
        var fingers = Math.Max(Math.Max(finger - 0.018, Math.Abs(u) - 0.263), Math.Abs(v - (BoardHalfHeight - 0.0375)) - 0.0225);
        colour = Rgb.Lerp(colour, _gold, Coverage(fingers));
        var ring = Shapes.Circle(Math.Abs(u) - (BoardHalfWidth - 0.04), Math.Abs(v) - (BoardHalfHeight - 0.04), HoleRadius + 0.01);
        colour = Rgb.Lerp(colour, _gold, Coverage(ring));

        foreach (var body in _bodies)
        {
            if (body is null || !body.Near(u, v, PinLength + 0.01)) continue;
            colour = DrawPart(body, u, v, colour);
        }
        return colour;
    }

    private (double U, double V) Board(double x, double y) => Shapes.Rotate(x - _bx, y - _by, _cos, -_sin);

    private double BoardOutline(double x, double y)
    {
        var (u, v) = Board(x, y);
        var board = Shapes.Box(u, v, BoardHalfWidth, BoardHalfHeight, 0.025);
        var hole = Shapes.Circle(Math.Abs(u) - (BoardHalfWidth - 0.04), Math.Abs(v) - (BoardHalfHeight - 0.04), HoleRadius);
        return Math.Max(board, -hole);
    }

    private static double PadDistance(Part part, double u, double v) => part.Kind switch
    {
        PartKind.Chip => PinDistance(part, u, v, widen: 0.003, inset: 0.004, extend: 0.006),
        PartKind.Electrolytic => Shapes.Box(Math.Abs(u) - part.HalfX, v, 0.02, 0.013),
        _ => Shapes.Box(Math.Abs(u) - part.HalfX * 0.82, v, part.HalfX * 0.32, part.HalfY + 0.004),
    };

    /// <summary>Distance to the nearest pin of a chip (pins evenly spread along the long sides, and the short sides when it has four rows).</summary>
    private static double PinDistance(Part part, double u, double v, double widen, double inset, double extend)
    {
        var best = PinRow(Math.Abs(v), u, part.HalfY, part.HalfX, part.PinsPerSide, widen, inset, extend);
        if (part.FourSides) best = Math.Min(best, PinRow(Math.Abs(u), v, part.HalfX, part.HalfY, part.PinsPerSide, widen, inset, extend));
        return best;
    }

    private static double PinRow(double outward, double along, double bodyHalf, double rowHalf, int count, double widen, double inset, double extend)
    {
        var spacing = 2.0 * rowHalf / count;
        var k = Math.Clamp(Math.Round((along + rowHalf) / spacing - 0.5), 0, count - 1);
        var centre = -rowHalf + (k + 0.5) * spacing;
        var halfLength = 0.5 * (PinLength + inset + extend);
        var middle = bodyHalf - inset + halfLength;
        return Shapes.Box(along - centre, outward - middle, 0.28 * spacing + widen, halfLength);
    }

    private Rgb DrawPart(Part part, double u, double v, Rgb colour)
    {
        var (pu, pv) = part.Local(u, v);
        switch (part.Kind)
        {
            case PartKind.Chip:
            {
                colour = Rgb.Lerp(colour, new Rgb(0.72, 0.73, 0.72), Coverage(PinDistance(part, pu, pv, 0.0, 0.002, 0.0)));
                var body = Shapes.Box(pu, pv, part.HalfX, part.HalfY, 0.006);
                var top = 0.09 + 0.03 * (0.5 - 0.5 * (pu / part.HalfX + pv / part.HalfY) * 0.5);
                colour = Rgb.Lerp(colour, Rgb.Grey(top), Coverage(body));
                var marking = Math.Min(
                    Shapes.Box(pu, pv + 0.012, 0.55 * part.HalfX, 0.004, 0.002),
                    Shapes.Box(pu - 0.15 * part.HalfX, pv - 0.012, 0.4 * part.HalfX, 0.004, 0.002));
                colour = Rgb.Lerp(colour, Rgb.Grey(0.5), 0.8 * Coverage(marking));
                colour = Rgb.Lerp(colour, Rgb.Grey(0.22), Coverage(Shapes.Circle(pu + part.HalfX - 0.016, pv + part.HalfY - 0.016, 0.006)));
                return colour;
            }
            case PartKind.Electrolytic:
            {
                var r = Math.Sqrt(pu * pu + pv * pv);
                colour = Rgb.Lerp(colour, new Rgb(0.13, 0.15, 0.32), Coverage(r - part.HalfX));
                var can = 0.62 + 0.18 * (1.0 - r / part.HalfX) - 0.08 * (pu + pv) / part.HalfX;
                colour = Rgb.Lerp(colour, new Rgb(can, can + 0.01, can + 0.04), Coverage(r - 0.82 * part.HalfX));
                var vent = Math.Max(Math.Min(Math.Abs(pu), Math.Abs(pv)) - 0.0022, r - 0.55 * part.HalfX);
                return Rgb.Lerp(colour, Rgb.Grey(0.3), Coverage(vent));
            }
            default:
            {
                var resistor = part.Kind == PartKind.Resistor;
                var body = Shapes.Box(pu, pv, part.HalfX, part.HalfY, 0.003);
                colour = Rgb.Lerp(colour, new Rgb(0.8, 0.8, 0.78), Coverage(body));
                var middle = Math.Max(body, Math.Abs(pu) - 0.64 * part.HalfX);
                colour = Rgb.Lerp(colour, resistor ? Rgb.Grey(0.1) : new Rgb(0.68, 0.52, 0.32), Coverage(middle));
                if (resistor)
                {
                    var digit = Math.Clamp(Math.Round(pu / 0.012), -1.0, 1.0);
                    var code = Shapes.Box(pu - 0.012 * digit, pv, 0.0025, 0.005);
                    colour = Rgb.Lerp(colour, Rgb.Grey(0.85), 0.9 * Coverage(code));
                }
                return colour;
            }
        }
    }

    private enum PartKind { Chip, Resistor, Capacitor, Electrolytic }

    /// <summary>A placed part: kind, centre and rotation on the board, body half extents.</summary>
    private sealed class Part(PartKind kind, double cx, double cy, double angle, double halfX, double halfY, int pinsPerSide = 0, bool fourSides = false)
    {
        private readonly double _cos = Math.Cos(angle);
        private readonly double _sin = Math.Sin(angle);

        public PartKind Kind { get; } = kind;
        public double HalfX { get; } = halfX;
        public double HalfY { get; } = halfY;
        public int PinsPerSide { get; } = pinsPerSide;
        public bool FourSides { get; } = fourSides;

        /// <summary>Half extents of the footprint including pins.</summary>
        public (double X, double Y) Outline => Kind == PartKind.Chip
            ? (HalfX + (FourSides ? PinLength : 0.0), HalfY + PinLength)
            : (HalfX, HalfY);

        private double Reach => Math.Sqrt(HalfX * HalfX + HalfY * HalfY) + PinLength;

        public Part Moved(double dx, double dy, double dAngle) =>
            new(Kind, cx + dx, cy + dy, angle + dAngle, HalfX, HalfY, PinsPerSide, FourSides);

        public bool Near(double u, double v, double margin) =>
            Math.Abs(u - cx) < Reach + margin && Math.Abs(v - cy) < Reach + margin;

        public (double U, double V) Local(double u, double v) => Shapes.Rotate(u - cx, v - cy, _cos, -_sin);

        public (double U, double V) ToBoard(double u, double v)
        {
            var (ru, rv) = Shapes.Rotate(u, v, _cos, _sin);
            return (ru + cx, rv + cy);
        }
    }

    /// <summary>The board design shared by every image: parts, traces and vias, built once from a fixed seed.</summary>
    private sealed class Layout
    {
        public required Part[] Parts { get; init; }
        public required Stroke[] Traces { get; init; }
        public required (double X, double Y)[] Vias { get; init; }

        public static Layout Build()
        {
            var parts = new[]
            {
                new Part(PartKind.Chip, -0.17, -0.09, 0.0, 0.09, 0.06, 6),
                new Part(PartKind.Chip, 0.17, 0.1, 0.0, 0.065, 0.065, 4, fourSides: true),
                new Part(PartKind.Resistor, 0.13, -0.21, 0.0, 0.032, 0.015),
                new Part(PartKind.Resistor, -0.3, 0.12, Math.PI / 2, 0.032, 0.015),
                new Part(PartKind.Capacitor, -0.02, 0.08, Math.PI / 2, 0.026, 0.016),
                new Part(PartKind.Capacitor, 0.33, -0.13, 0.0, 0.026, 0.016),
                new Part(PartKind.Electrolytic, -0.13, 0.19, 0.0, 0.05, 0.05),
            };
            var rng = new SyntheticRandom(0x5EED_0C1Cu);
            var traces = new List<Stroke>();
            var vias = new List<(double, double)>();
            foreach (var chip in parts.Where(p => p.Kind == PartKind.Chip))
            {
                foreach (var (u, v, nu, nv) in PinTips(chip))
                {
                    if (rng.Chance(0.3)) continue;
                    var (x0, y0) = chip.ToBoard(u, v);
                    var (ex, ey) = chip.ToBoard(u + nu, v + nv);
                    var (dx, dy) = (ex - x0, ey - y0);
                    var first = rng.Uniform(0.025, 0.06);
                    var turn = rng.Sign();
                    var (tx, ty) = (dx - turn * dy, dy + turn * dx);
                    var second = rng.Uniform(0.015, 0.04);
                    var third = rng.Uniform(0.015, 0.05);
                    var points = new List<(double X, double Y)> { (x0, y0) };
                    var (x1, y1) = (x0 + first * dx, y0 + first * dy);
                    var (x2, y2) = (x1 + second * tx * 0.7071, y1 + second * ty * 0.7071);
                    var (x3, y3) = (x2 + third * dx, y2 + third * dy);
                    foreach (var p in new[] { (x1, y1), (x2, y2), (x3, y3) })
                    {
                        if (Math.Abs(p.Item1) > BoardHalfWidth - 0.03 || Math.Abs(p.Item2) > BoardHalfHeight - 0.08) break;
                        points.Add(p);
                    }
                    if (points.Count < 2) continue;
                    traces.Add(new Stroke(points, Enumerable.Repeat(TraceHalfWidth, points.Count).ToArray()));
                    vias.Add(points[^1]);
                }
            }
            for (var k = 0; k < 8; k++)
            {
                var x = -0.245 + 0.07 * k;
                var top = BoardHalfHeight - 0.06;
                var rise = rng.Uniform(0.03, 0.07);
                var side = rng.Sign() * rng.Uniform(0.01, 0.03);
                var points = new (double X, double Y)[] { (x, top), (x, top - rise), (x + side, top - rise - Math.Abs(side)), (x + side, top - rise - Math.Abs(side) - 0.02) };
                traces.Add(new Stroke(points, Enumerable.Repeat(TraceHalfWidth, points.Length).ToArray()));
                vias.Add(points[^1]);
            }
            return new Layout { Parts = parts, Traces = traces.ToArray(), Vias = vias.ToArray() };
        }

        /// <summary>Outer tip of every pin of a chip in its local frame, with the outward direction.</summary>
        private static IEnumerable<(double U, double V, double Nu, double Nv)> PinTips(Part chip)
        {
            var spacing = 2.0 * chip.HalfX / chip.PinsPerSide;
            for (var k = 0; k < chip.PinsPerSide; k++)
            {
                var along = -chip.HalfX + (k + 0.5) * spacing;
                yield return (along, chip.HalfY + PinLength, 0.0, 1.0);
                yield return (along, -chip.HalfY - PinLength, 0.0, -1.0);
            }
            if (!chip.FourSides) yield break;
            var side = 2.0 * chip.HalfY / chip.PinsPerSide;
            for (var k = 0; k < chip.PinsPerSide; k++)
            {
                var along = -chip.HalfY + (k + 0.5) * side;
                yield return (chip.HalfX + PinLength, along, 1.0, 0.0);
                yield return (-chip.HalfX - PinLength, along, -1.0, 0.0);
            }
        }
    }
}
