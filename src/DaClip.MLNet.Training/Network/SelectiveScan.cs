using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>
/// Mamba's selective scan without the z-gate (METHOD §4): with h₋₁ = 0,
/// <c>h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t u_t</c> and <c>y_t = h_t C_t + D u_t</c>, per channel e and state n.
/// Shapes: u, Δ [B, L, E]; A [E, N] (negative); B, C [B, L, N]; D [E] → y [B, L, E], h_last [B, E, N].
/// <see cref="Sequential"/> is the plain reference; <see cref="Chunked"/> scans all chunks of the sequence at once
/// and carries their end states, forming every decay as a product of per-row factors (never as a difference of one
/// running sum), which keeps it within float32 rounding of the reference.
/// </summary>
internal static class SelectiveScan
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
    /// The same recurrence in two levels, for far fewer (larger) tensor operations: the sequence is cut into chunks of
    /// <paramref name="chunk"/> rows; (1) every chunk is scanned from a zero state, all chunks at once, one row offset
    /// at a time; (2) the chunk end states are carried across chunks one chunk at a time; (3) each row adds the carried
    /// state times the decay from its chunk's start. Decays are running products of <c>exp(Δ_t A)</c> within a chunk,
    /// never differences of a running sum. About 12·chunk + 2·L/chunk operations instead of 6·L.
    /// </summary>
    public static (Tensor Y, Tensor HLast) Chunked(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, int chunk = 0)
    {
        using var scope = torch.NewDisposeScope();
        long batch = u.shape[0], length = u.shape[1], e = u.shape[2], n = a.shape[1];
        long l = chunk > 0 ? chunk : Math.Max(1, (long)Math.Ceiling(Math.Sqrt(length)));
        long chunks = (length + l - 1) / l, padded = chunks * l;
        Tensor Pad(Tensor t) => padded == length ? t : nn.functional.pad(t, [0, 0, 0, padded - length]);
        // Padding rows have Δ = 0: decay 1 and no input, so they leave the state unchanged.
        var dt = Pad(delta).reshape(batch, chunks, l, e);
        var du = Pad(delta * u).reshape(batch, chunks, l, e);
        var bc = Pad(b).reshape(batch, chunks, l, n);
        var cc = Pad(c).reshape(batch, chunks, l, n);

        var h = torch.zeros(batch, chunks, e, n, dtype: u.dtype, device: u.device);
        var decay = torch.ones(batch, chunks, e, n, dtype: u.dtype, device: u.device);
        var local = new Tensor[l];
        for (long t = 0; t < l; t++)
        {
            var step = torch.exp(dt.select(2, t).unsqueeze(-1) * a);                                   // [B, C, E, N]
            h = step * h + du.select(2, t).unsqueeze(-1) * bc.select(2, t).unsqueeze(2);
            decay = decay * step;
            local[t] = (h * cc.select(2, t).unsqueeze(2)).sum([-1]);                                   // [B, C, E]
        }

        var carried = new Tensor[chunks];
        var state = torch.zeros(batch, e, n, dtype: u.dtype, device: u.device);
        for (long k = 0; k < chunks; k++)
        {
            carried[k] = state;
            state = decay.select(1, k) * state + h.select(1, k);
        }
        var incoming = torch.stack(carried, 1);                                                        // [B, C, E, N]

        var ys = new Tensor[l];
        var run = torch.ones(batch, chunks, e, n, dtype: u.dtype, device: u.device);
        for (long t = 0; t < l; t++)
        {
            run = run * torch.exp(dt.select(2, t).unsqueeze(-1) * a);
            ys[t] = local[t] + (run * incoming * cc.select(2, t).unsqueeze(2)).sum([-1]);
        }
        var y = torch.stack(ys, 2).reshape(batch, padded, e).narrow(1, 0, length) + u * d;
        return (y.MoveToOuterDisposeScope(), state.MoveToOuterDisposeScope());
    }
}
