using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DaClip.MLNet;

namespace DaClip.Cli.Common;

/// <summary>
/// The flags of <c>daclip train</c> for every option of the DA-CLIP network (<see cref="DaClipModelOptions"/>, METHOD)
/// and the optimiser (learning rate, Adam betas), with METHOD's defaults; a <c>--config</c> file sets them by the same
/// names in snake_case (<c>top_k</c>, <c>adam_betas</c>), at the top level or under <c>model:</c>.
/// </summary>
internal sealed class ModelOptionFlags
{
    private static readonly DaClipModelOptions Defaults = new();

    private readonly Option<int[]> _taps = IntList("--taps", "Tapped vision layers (1-based), e.g. 6,12,18,24; default round(kL/4), k = 1..4.");
    private readonly Option<int?> _vvStart = new("--vv-start-layer") { Description = "First layer of the value-value path (1-based); default max(1, round(L/4)).", HelpName = "L" };
    private readonly Option<double> _alpha = Number("--alpha", "Weight α of the local maps in the fused map (scoring-time).", Defaults.Alpha);
    private readonly Option<double> _beta = Number("--beta", "Weight β of the global probability in the image score (scoring-time).", Defaults.Beta);
    private readonly Option<int> _topK = CliOptions.Positive(new Option<int>("--top-k") { Description = "k of the top-k patch mean in the image score, 1 = maximum (scoring-time).", HelpName = "k", DefaultValueFactory = _ => Defaults.TopK });
    private readonly Option<double> _sigma = Number("--sigma", "σ of the Gaussian smoothing of the pixel map (scoring-time).", Defaults.Sigma);
    private readonly Option<double> _tau = Number("--tau", "Softmax temperature τ.", Defaults.Tau);
    private readonly Option<double> _lambda = Number("--lambda", "Weight λ of the map losses against the image cross-entropy.", Defaults.Lambda);
    private readonly Option<double> _threshold = Number("--threshold", "Score threshold of the predicted label baked into the model (calibrate later with `daclip calibrate`).", Defaults.Threshold);
    private readonly Option<int> _slots = CliOptions.Positive(new Option<int>("--slots") { Description = "Learnable slot tokens per prompt.", HelpName = "N", DefaultValueFactory = _ => Defaults.Slots });
    private readonly Option<int?> _adapterLayers = new("--adapter-layers") { Description = "How many text blocks, from block 0, carry a Token Adapter; default all.", HelpName = "N" };
    private readonly Option<bool> _adapterResidual = Flag("--adapter-residual", "Token Adapter residual connection (false: the Table 4 ablation s <- A(s)).", Defaults.AdapterResidual);
    private readonly Option<string> _alignment = Choice("--alignment", "decoupled (DA-CLIP) or joint (ablation: one text branch).", "decoupled", "decoupled", "joint");
    private readonly Option<bool> _useDar = Flag("--use-dar", "Refine the text features per image with the DAR (Mamba hybrid) block.", Defaults.UseDar);
    private readonly Option<int> _darExpand = CliOptions.Positive(new Option<int>("--dar-expand") { Description = "DAR inner width factor (E = expand x D).", HelpName = "N", DefaultValueFactory = _ => Defaults.DarExpand });
    private readonly Option<int> _darState = CliOptions.Positive(new Option<int>("--dar-state") { Description = "DAR state size N.", HelpName = "N", DefaultValueFactory = _ => Defaults.DarState });
    private readonly Option<int?> _darDtRank = new("--dar-dt-rank") { Description = "DAR Δ rank R; default ceil(D/16).", HelpName = "R" };
    private readonly Option<string> _template = new("--template") { Description = "Prompt template; {0} is replaced by the state.", HelpName = "text", DefaultValueFactory = _ => Defaults.Template };
    private readonly Option<string[]> _normalStates = States("--normal-states", "Normal states of the prompts (one argument each).", Defaults.NormalStates);
    private readonly Option<string[]> _anomalyStates = States("--anomaly-states", "Anomaly states of the prompts (one argument each).", Defaults.AnomalyStates);
    private readonly Option<string> _interpolation = Choice("--positional-interpolation", "Positional-embedding resampling when S differs from the checkpoint's.", "bilinear", "bilinear", "bicubic");
    private readonly Option<double> _learningRate = Number("--learning-rate", "Adam learning rate; lower it (e.g. tenfold) when the loss becomes NaN or infinite.", DaClipDefaults.LearningRate);
    private readonly Option<double[]> _adamBetas = new("--adam-betas")
    {
        Description = "Adam β1,β2.",
        HelpName = "b1,b2",
        DefaultValueFactory = _ => [DaClipDefaults.AdamBeta1, DaClipDefaults.AdamBeta2],
        CustomParser = ParseBetas,
    };

    /// <summary>Every flag, to add to the verb.</summary>
    public IEnumerable<Option> All =>
    [
        _taps, _vvStart, _alpha, _beta, _topK, _sigma, _tau, _lambda, _threshold, _slots, _adapterLayers, _adapterResidual, _alignment, _useDar,
        _darExpand, _darState, _darDtRank, _template, _normalStates, _anomalyStates, _interpolation, _learningRate, _adamBetas,
    ];

    /// <summary>The network options the flags describe, at input side <paramref name="imageSize"/>.</summary>
    public DaClipModelOptions Model(ParseResult parse, int imageSize) => new()
    {
        ImageSize = imageSize,
        Taps = parse.GetValue(_taps) is { Length: > 0 } taps ? taps : null,
        VvStartLayer = parse.GetValue(_vvStart),
        Alpha = parse.GetValue(_alpha),
        Beta = parse.GetValue(_beta),
        TopK = parse.GetValue(_topK),
        Sigma = parse.GetValue(_sigma),
        Tau = parse.GetValue(_tau),
        Lambda = parse.GetValue(_lambda),
        Threshold = parse.GetValue(_threshold),
        Slots = parse.GetValue(_slots),
        AdapterLayers = parse.GetValue(_adapterLayers),
        AdapterResidual = parse.GetValue(_adapterResidual),
        Alignment = Enum.Parse<TextAlignment>(parse.GetValue(_alignment)!, ignoreCase: true),
        UseDar = parse.GetValue(_useDar),
        DarExpand = parse.GetValue(_darExpand),
        DarState = parse.GetValue(_darState),
        DarDtRank = parse.GetValue(_darDtRank),
        Template = parse.GetValue(_template)!,
        NormalStates = parse.GetValue(_normalStates)!,
        AnomalyStates = parse.GetValue(_anomalyStates)!,
        PositionalInterpolation = Enum.Parse<PositionalInterpolation>(parse.GetValue(_interpolation)!, ignoreCase: true),
    };

    /// <summary>The learning rate.</summary>
    public double LearningRate(ParseResult parse) => parse.GetValue(_learningRate);

    /// <summary>Adam β1 and β2.</summary>
    public (double Beta1, double Beta2) AdamBetas(ParseResult parse) => parse.GetValue(_adamBetas) is [var b1, var b2] ? (b1, b2) : (DaClipDefaults.AdamBeta1, DaClipDefaults.AdamBeta2);

    private static Option<double> Number(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "x",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
            r.AddError($"{name} '{text}' is not a finite number: give a decimal such as 0.5.");
            return 0;
        },
    };

    private static Option<bool> Flag(string name, string description, bool defaultValue) => new(name)
    {
        Description = description + $" Default {defaultValue.ToString().ToLowerInvariant()}; give {name} false to turn it off.",
        DefaultValueFactory = _ => defaultValue,
    };

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var o = new Option<string>(name) { Description = description, HelpName = string.Join('|', values), DefaultValueFactory = _ => defaultValue };
        o.AcceptOnlyFromAmong(values);
        return o;
    }

    private static Option<int[]> IntList(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "a,b,...",
        CustomParser = r =>
        {
            var list = new List<int>();
            foreach (var part in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 1) list.Add(v);
                else r.AddError($"{name}: '{part}' is not a layer number (1 or more).");
            }
            return [.. list];
        },
    };

    private static Option<string[]> States(string name, string description, string[] defaults) => new(name)
    {
        Description = description,
        HelpName = "state",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => defaults,
    };

    private static double[] ParseBetas(ArgumentResult r)
    {
        var parts = r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        if (values.Length != 2 || values.Any(v => v is not (>= 0 and < 1)))
            r.AddError($"--adam-betas '{string.Join(",", parts)}': give two numbers in [0, 1), β1,β2, e.g. 0.5,0.999.");
        return values;
    }
}
