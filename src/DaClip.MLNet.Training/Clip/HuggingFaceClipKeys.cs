using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// Maps a Hugging Face <c>CLIPModel</c> state dict (<c>vision_model.*</c>, <c>text_model.*</c>,
/// <c>visual_projection.weight</c>, <c>text_projection.weight</c>, <c>logit_scale</c>) onto OpenAI's key names:
/// q/k/v projections are concatenated into <c>in_proj_*</c>, the two projection matrices are transposed,
/// <c>position_ids</c> buffers are dropped.
/// </summary>
internal static partial class HuggingFaceClipKeys
{
    /// <summary>True when the keys look like a Hugging Face CLIP state dict.</summary>
    public static bool IsHuggingFace(IEnumerable<string> keys) =>
        keys.Any(k => k.StartsWith("vision_model.", StringComparison.Ordinal) || k.StartsWith("text_model.", StringComparison.Ordinal));

    /// <summary>
    /// Converts <paramref name="hf"/> to OpenAI naming. Tensors are moved into the result (or combined, then disposed);
    /// keys that do not belong to CLIP are returned unchanged so the caller reports them as unexpected.
    /// </summary>
    public static Dictionary<string, Tensor> ToOpenAi(Dictionary<string, Tensor> hf)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var qkv = new Dictionary<string, Tensor?[]>(StringComparer.Ordinal);
        foreach (var (key, tensor) in hf)
        {
            if (key.EndsWith("embeddings.position_ids", StringComparison.Ordinal))
            {
                tensor.Dispose();
                continue;
            }
            var m = LayerKey().Match(key);
            if (m.Success)
            {
                string tower = m.Groups["tower"].Value == "vision_model" ? "visual.transformer" : "transformer";
                string block = $"{tower}.resblocks.{m.Groups["i"].Value}.";
                string rest = m.Groups["rest"].Value;
                var proj = QkvKey().Match(rest);
                if (proj.Success)
                {
                    string target = block + (proj.Groups["kind"].Value == "weight" ? "attn.in_proj_weight" : "attn.in_proj_bias");
                    if (!qkv.TryGetValue(target, out var parts)) qkv[target] = parts = new Tensor?[3];
                    parts["qkv".IndexOf(proj.Groups["which"].Value[0])] = tensor;
                    continue;
                }
                string? mapped = rest switch
                {
                    "self_attn.out_proj.weight" => "attn.out_proj.weight",
                    "self_attn.out_proj.bias" => "attn.out_proj.bias",
                    "layer_norm1.weight" => "ln_1.weight",
                    "layer_norm1.bias" => "ln_1.bias",
                    "layer_norm2.weight" => "ln_2.weight",
                    "layer_norm2.bias" => "ln_2.bias",
                    "mlp.fc1.weight" => "mlp.c_fc.weight",
                    "mlp.fc1.bias" => "mlp.c_fc.bias",
                    "mlp.fc2.weight" => "mlp.c_proj.weight",
                    "mlp.fc2.bias" => "mlp.c_proj.bias",
                    _ => null,
                };
                result[mapped is null ? key : block + mapped] = tensor;
                continue;
            }
            switch (key)
            {
                case "vision_model.embeddings.class_embedding": result["visual.class_embedding"] = tensor; break;
                case "vision_model.embeddings.patch_embedding.weight": result["visual.conv1.weight"] = tensor; break;
                case "vision_model.embeddings.position_embedding.weight": result["visual.positional_embedding"] = tensor; break;
                case "vision_model.pre_layrnorm.weight": result["visual.ln_pre.weight"] = tensor; break;
                case "vision_model.pre_layrnorm.bias": result["visual.ln_pre.bias"] = tensor; break;
                case "vision_model.post_layernorm.weight": result["visual.ln_post.weight"] = tensor; break;
                case "vision_model.post_layernorm.bias": result["visual.ln_post.bias"] = tensor; break;
                case "visual_projection.weight": result["visual.proj"] = tensor.t().contiguous(); tensor.Dispose(); break;
                case "text_projection.weight": result["text_projection"] = tensor.t().contiguous(); tensor.Dispose(); break;
                case "text_model.embeddings.token_embedding.weight": result["token_embedding.weight"] = tensor; break;
                case "text_model.embeddings.position_embedding.weight": result["positional_embedding"] = tensor; break;
                case "text_model.final_layer_norm.weight": result["ln_final.weight"] = tensor; break;
                case "text_model.final_layer_norm.bias": result["ln_final.bias"] = tensor; break;
                default: result[key] = tensor; break;
            }
        }
        foreach (var (target, parts) in qkv)
        {
            if (parts.Any(p => p is null))
            {
                // Leave the incomplete pieces under their own names; the caller reports the missing in_proj key.
                foreach (var p in parts) p?.Dispose();
                continue;
            }
            result[target] = torch.cat(parts!, 0);
            foreach (var p in parts) p!.Dispose();
        }
        return result;
    }

    [GeneratedRegex(@"^(?<tower>vision_model|text_model)\.encoder\.layers\.(?<i>\d+)\.(?<rest>.+)$")]
    private static partial Regex LayerKey();

    [GeneratedRegex(@"^self_attn\.(?<which>[qkv])_proj\.(?<kind>weight|bias)$")]
    private static partial Regex QkvKey();
}
