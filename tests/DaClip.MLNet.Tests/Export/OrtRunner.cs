using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DaClip.MLNet.Tests.Export;

/// <summary>Runs a serialised or saved ONNX model once on ONNX Runtime's CPU provider and returns every output.</summary>
internal static class OrtRunner
{
    public sealed record Output(float[] Floats, long[] Int64s, bool[] Bools, long[] Shape);

    public static Dictionary<string, Output> Run(byte[] model, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var session = new InferenceSession(model);
        return Run(session, inputs);
    }

    public static Dictionary<string, Output> RunFile(string path, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var session = new InferenceSession(path);
        return Run(session, inputs);
    }

    private static Dictionary<string, Output> Run(InferenceSession session, (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, session.OutputNames);
            var map = new Dictionary<string, Output>();
            for (int k = 0; k < results.Count; k++)
            {
                var r = results[k];
                var info = r.GetTensorTypeAndShape();
                map[session.OutputNames[k]] = info.ElementDataType switch
                {
                    TensorElementType.Float => new Output(r.GetTensorDataAsSpan<float>().ToArray(), [], [], info.Shape),
                    TensorElementType.Int64 => new Output([], r.GetTensorDataAsSpan<long>().ToArray(), [], info.Shape),
                    TensorElementType.Bool => new Output([], [], r.GetTensorDataAsSpan<bool>().ToArray(), info.Shape),
                    var t => throw new NotSupportedException($"output type {t}"),
                };
            }
            return map;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
