using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>Reads no column.</summary>
internal sealed class ConfigKeyInput;

/// <summary>The constant key that <c>MapValue</c> turns into the configuration vector.</summary>
internal sealed class ConfigKeyOutput
{
    [ColumnName(DaClipChainLayout.KeyColumn)]
    public float Key { get; set; }
}

/// <summary>Adds the constant 0 as <see cref="DaClipChainLayout.KeyColumn"/>.</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.ConfigKeyContract)]
internal sealed class ConfigKeyMapping : CustomMappingFactory<ConfigKeyInput, ConfigKeyOutput>
{
    public override Action<ConfigKeyInput, ConfigKeyOutput> GetMapping() => static (_, output) => output.Key = 0;
}
