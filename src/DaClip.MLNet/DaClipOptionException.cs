namespace DaClip.MLNet;

/// <summary>
/// An option of DaClip.MLNet (scoring, model, training or zero-shot options) has a value it cannot use. The message
/// names the option, the value and the accepted range.
/// </summary>
/// <remarks>
/// It is an <see cref="ArgumentOutOfRangeException"/> with <see cref="ArgumentException.ParamName"/> = the option, as
/// ML.NET's own trainers report invalid option values, so <c>catch (ArgumentException)</c> catches it.
/// <see cref="Message"/> is the message alone, without the parameter suffix .NET appends.
/// </remarks>
public sealed class DaClipOptionException : ArgumentOutOfRangeException
{
    private readonly string _message;

    /// <summary>Creates the exception for option <paramref name="optionName"/>.</summary>
    /// <param name="optionName">The option at fault, e.g. "Epochs" or "Model.ImageSize".</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public DaClipOptionException(string optionName, string message)
        : base(optionName, message) => _message = message;

    /// <summary>What is wrong with the option and how to fix it.</summary>
    public override string Message => _message;
}
