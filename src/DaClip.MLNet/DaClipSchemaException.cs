namespace DaClip.MLNet;

/// <summary>
/// An input column of an ML.NET data view is missing or has a type DA-CLIP cannot use. The message names the column,
/// the expected and the actual type, and how to fix the pipeline.
/// </summary>
/// <remarks>
/// It is an <see cref="ArgumentOutOfRangeException"/> (with <see cref="ArgumentException.ParamName"/> = the column),
/// the type ML.NET's own components throw for a schema mismatch, so code that catches ML.NET's schema errors
/// (<c>catch (ArgumentException)</c>) catches DA-CLIP's too. <see cref="Message"/> is the message alone, without the
/// parameter suffix .NET appends.
/// </remarks>
public sealed class DaClipSchemaException : ArgumentOutOfRangeException
{
    private readonly string _message;

    /// <summary>Creates the exception for column <paramref name="columnName"/>.</summary>
    /// <param name="role">What the column is for (e.g. "image", "label", "mask").</param>
    /// <param name="columnName">The column's name.</param>
    /// <param name="expected">The accepted type(s), in words.</param>
    /// <param name="actual">The type found, or null when the column is missing.</param>
    /// <param name="fix">How to fix it.</param>
    public DaClipSchemaException(string role, string columnName, string expected, string? actual, string fix)
        : base(columnName, Describe(role, columnName, expected, actual, fix))
    {
        _message = Describe(role, columnName, expected, actual, fix);
        Role = role;
        ColumnName = columnName;
        ExpectedType = expected;
        ActualType = actual;
    }

    /// <summary>What the column is for: image, label, mask, class, score, anomaly map.</summary>
    public string Role { get; }

    /// <summary>The column at fault (also <see cref="ArgumentException.ParamName"/>).</summary>
    public string ColumnName { get; }

    /// <summary>The accepted type(s), in words.</summary>
    public string ExpectedType { get; }

    /// <summary>The type found, or null when the column is missing.</summary>
    public string? ActualType { get; }

    /// <summary>What is wrong with the column and how to fix it.</summary>
    public override string Message => _message;

    private static string Describe(string role, string columnName, string expected, string? actual, string fix) => actual is null
        ? $"The {role} column '{columnName}' is missing from the data (expected {expected}). {fix}"
        : $"The {role} column '{columnName}' has type {actual}; DA-CLIP expects {expected}. {fix}";
}
