namespace DaClip.Cli.Common;

/// <summary>
/// A command-line input the tool cannot use (a missing file, a bad option value, a folder that would be overwritten):
/// the message names the option or file and the fix. Reported without a stack trace, exit code 2.
/// </summary>
internal sealed class CliUsageException(string message) : Exception(message);
