using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>
/// Mamba's selective scan without the z-gate (METHOD §4): with h₋₁ = 0,
/// <c>h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t u_t</c> and <c>y_t = h_t C_t + D u_t</c>, per channel e and state n.
/// Shapes: u, Δ [B, L, E]; A [E, N] (negative); B, C [B, L, N]; D [E] → y [B, L, E], h_last [B, E, N].
/// <see cref="Sequential"/> is the plain reference; <see cref="Chunked"/> processes blocks of rows at once and sums
/// each segment's <c>Δ A</c> directly (a masked cumulative sum), never as a difference of one running sum, which keeps
/// it within float32 rounding of the reference.
/// </summary>
public static class SelectiveScan
{
    /// <summary>The recurrence one row at a time (reference).</summary>
    public static (Tensor Y, Tensor HLast) Sequential(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d)
    {
        using var scope = torch.NewDisposeScope();
        long batch = u.shape[0], length = u.shape[1], e = u.shape[2], n = a.shape[1];
        var h = torch.zeros(batch, e, n, dtype: u.dtype, device: u.device);
        var ys = new Tensor[length];
        for (long t = 0; t < length; t++)
        {
            var dt = delta.select(1, t);                       // [B, E]
            var decay = torch.exp(dt.unsqueeze(-1) * a);        // [B, E, N]
            var input = (dt * u.select(1, t)).unsqueeze(-1) * b.select(1, t).unsqueeze(1);
            h = decay * h + input;
            ys[t] = torch.matmul(h, c.select(1, t).unsqueeze(-1)).squeeze(-1);
        }
        var y = torch.stack(ys, 1) + u * d;
        return (y.MoveToOuterDisposeScope(), h.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The same recurrence, <paramref name="chunk"/> rows at a time: inside a chunk, the state at row t is
    /// <c>Σ_{s≤t} exp(S[t,s]) Δ_s B_s u_s + exp(S[t,-1]) h_in</c> with <c>S[t,s] = Σ_{r=s+1..t} Δ_r A</c>.
    /// </summary>
    public static (Tensor Y, Tensor HLast) Chunked(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, int chunk = 16)
    {
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk));
        using var scope = torch.NewDisposeScope();
        long batch = u.shape[0], length = u.shape[1], e = u.shape[2], n = a.shape[1];
        var h = torch.zeros(batch, e, n, dtype: u.dtype, device: u.device);
        var ys = new List<Tensor>();
        for (long start = 0; start < length; start += chunk)
        {
            long len = Math.Min(chunk, length - start);
            var dt = delta.narrow(1, start, len);                                   // [B, l, E]
            var dA = dt.unsqueeze(-1) * a;                                           // [B, l, E, N]
            var x = (dt * u.narrow(1, start, len)).unsqueeze(-1) * b.narrow(1, start, len).unsqueeze(2); // [B, l, E, N]
            // seg[t, s] = sum_{r=s+1..t} dA[r] for s < t: a cumulative sum over t of dA[t] masked to s < t.
            var strict = torch.ones(len, len, dtype: ScalarType.Bool, device: u.device).tril(-1);   // [t, s]: s < t
            var masked = dA.unsqueeze(2).expand(batch, len, len, e, n)
                .masked_fill(strict.logical_not().reshape(1, len, len, 1, 1), 0.0);
            var seg = masked.cumsum(1);                                              // [B, t, s, E, N]
            var lower = torch.ones(len, len, dtype: ScalarType.Bool, device: u.device).tril();      // s <= t
            var weights = torch.exp(seg).masked_fill(lower.logical_not().reshape(1, len, len, 1, 1), 0.0);
            var states = (weights * x.unsqueeze(1)).sum([2]);                        // [B, t, E, N]
            var carry = torch.exp(dA.cumsum(1));                                     // decay from the chunk start to t
            states = states + carry * h.unsqueeze(1);
            ys.Add((states * c.narrow(1, start, len).unsqueeze(2)).sum([-1])); // [B, l, E]
            h = states.select(1, len - 1);
        }
        var y = torch.cat(ys, 1) + u * d;
        return (y.MoveToOuterDisposeScope(), h.MoveToOuterDisposeScope());
    }
}
