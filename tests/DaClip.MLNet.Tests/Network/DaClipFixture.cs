using System.Text.Json;
using System.Text.Json.Nodes;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Network;

/// <summary>One DA-CLIP reference set (daclip/daclip_*_config.json) with its CLIP weights, params and io file.</summary>
internal sealed class DaClipFixture : IDisposable
{
    private DaClipFixture(string name, string root, JsonDocument config)
    {
        Name = name;
        Config = config;
        var c = config.RootElement;
        ClipWeights = Path.Combine(root, c.GetProperty("clip_weights").GetString()!);
        ParamsPath = Path.Combine(root, "daclip", $"daclip_{name}_params.safetensors");
        Io = SafetensorsFile.Open(Path.Combine(root, "daclip", $"daclip_{name}_io.safetensors"));
        Options = ReadOptions(c.GetProperty("options"));
    }

    public string Name { get; }
    public JsonDocument Config { get; }
    public string ClipWeights { get; }
    public string ParamsPath { get; }
    public SafetensorsFile Io { get; }
    public DaClipModelOptions Options { get; }

    /// <summary>
    /// The set's variants (config <c>variants</c>: key prefix -> the options that differ, e.g. <c>nores_</c> ->
    /// <c>adapter_residual: false</c>), each as the set's options with that patch applied.
    /// </summary>
    public IReadOnlyList<(string Prefix, DaClipModelOptions Options)> Variants()
    {
        var c = Config.RootElement;
        if (!c.TryGetProperty("variants", out var variants)) return [];
        var list = new List<(string, DaClipModelOptions)>();
        foreach (var variant in variants.EnumerateObject())
        {
            var merged = JsonNode.Parse(c.GetProperty("options").GetRawText())!.AsObject();
            foreach (var option in variant.Value.EnumerateObject())
            {
                if (!merged.ContainsKey(option.Name)) throw new InvalidOperationException($"{Name}: variant {variant.Name} sets '{option.Name}', which is not an option of the set.");
                merged[option.Name] = JsonNode.Parse(option.Value.GetRawText());
            }
            using var doc = JsonDocument.Parse(merged.ToJsonString());
            list.Add((variant.Name, ReadOptions(doc.RootElement)));
        }
        return list;
    }

    /// <summary>Vision and text tower depths from the config's <c>dims</c>.</summary>
    public (int Vision, int Text) Depths()
    {
        var dims = Config.RootElement.GetProperty("dims");
        return (dims.GetProperty("vision_layers").GetInt32(), dims.GetProperty("text_layers").GetInt32());
    }

    /// <summary>True when the io file stores <paramref name="key"/>.</summary>
    public bool Has(string key) => Io.Contains(key);

    /// <summary>Every set found in the fixture folder.</summary>
    public static IEnumerable<DaClipFixture> All()
    {
        var root = Fixtures.Require();
        foreach (var file in Fixtures.Glob("daclip", "daclip_*_config.json"))
            yield return new DaClipFixture(Fixtures.SetName(file, "daclip_*_config.json"), root, JsonDocument.Parse(File.ReadAllText(file)));
    }

    private static DaClipModelOptions ReadOptions(JsonElement o)
    {
        int[] Ints(string k) => o.GetProperty(k).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        string[] Strings(string k) => o.GetProperty(k).EnumerateArray().Select(e => e.GetString()!).ToArray();
        var adapterLayers = Ints("adapter_layers");
        if (!adapterLayers.SequenceEqual(Enumerable.Range(0, adapterLayers.Length)))
            throw new InvalidOperationException("adapter_layers must be 0..n-1 (METHOD: from block 0).");
        return new DaClipModelOptions
        {
            ImageSize = o.GetProperty("image_size").GetInt32(),
            Taps = Ints("taps"),
            VvStartLayer = o.GetProperty("vv_start_layer").GetInt32(),
            Alpha = o.GetProperty("alpha").GetDouble(),
            Beta = o.GetProperty("beta").GetDouble(),
            TopK = o.GetProperty("top_k").GetInt32(),
            Sigma = o.GetProperty("sigma").GetDouble(),
            Tau = o.GetProperty("tau").GetDouble(),
            Lambda = o.GetProperty("lambda").GetDouble(),
            Threshold = o.GetProperty("threshold").GetDouble(),
            Slots = o.GetProperty("n_slots").GetInt32(),
            AdapterLayers = adapterLayers.Length,
            AdapterResidual = o.GetProperty("adapter_residual").GetBoolean(),
            Alignment = o.GetProperty("alignment").GetString() == "joint" ? TextAlignment.Joint : TextAlignment.Decoupled,
            UseDar = o.GetProperty("use_dar").GetBoolean(),
            DarExpand = o.GetProperty("dar_expand").GetInt32(),
            DarState = o.GetProperty("d_state").GetInt32(),
            DarDtRank = o.GetProperty("dt_rank").GetInt32(),
            Template = o.GetProperty("template").GetString()!.Replace("{}", "{0}"),
            NormalStates = Strings("normal_states"),
            AnomalyStates = Strings("anomaly_states"),
        };
    }

    /// <summary>The prompt bank built from the stored word ids (independent of any tokenizer).</summary>
    public PromptBank Prompts(DaClipModelOptions options)
    {
        var ids = Io.ReadInt64("text_input_ids");
        var lengths = Io.ReadInt64("text_input_lengths");
        var layout = Io.ReadInt64("text_token_layout");
        int prompts = lengths.Length, width = (int)Io["text_input_ids"].Shape[1], context = (int)Io["text_token_layout"].Shape[1];
        var perPrompt = Enumerable.Range(0, prompts).Select(p => (IReadOnlyList<int>)ids.Skip(p * width).Take((int)lengths[p]).Select(v => (int)v).ToList()).ToList();
        int eotIndex = (int)Io.ReadInt64("text_eot_index")[0];
        return new PromptBank(perPrompt, options.NormalStates.Length, options.Slots, (int)layout[0], (int)layout[eotIndex], context);
    }

    /// <summary>The network for <paramref name="options"/> with the stored params (keys the configuration does not use are left out).</summary>
    public DaClipNetwork Network(ClipModel clip, DaClipModelOptions options)
    {
        var net = new DaClipNetwork(clip, Prompts(options), options);
        using var file = SafetensorsFile.Open(ParamsPath);
        var wanted = net.named_parameters().Select(p => p.name).ToHashSet();
        net.LoadTrainable(file.Entries.Where(e => wanted.Contains(e.Name)).ToDictionary(e => e.Name, e => (file.ReadSingle(e.Name), e.Shape)), ParamsPath);
        return net;
    }

    public Tensor Float(string key) => FixtureTensors.Float(Io, key);

    public void Dispose()
    {
        Io.Dispose();
        Config.Dispose();
    }
}
