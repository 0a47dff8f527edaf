namespace DaClip.Serve.Api;

/// <summary>The model's pixel anomaly map: <see cref="Size"/> x <see cref="Size"/> floats, row-major, at the model's input size.</summary>
/// <param name="Size">Side S of the map (the model's input size).</param>
/// <param name="Values">S x S scores, row-major.</param>
public sealed record AnomalyMapValues(int Size, float[] Values);
