using System.Text;

namespace DaClip.MLNet.Data;

/// <summary>A small comma-separated table (header row + records; double-quoted fields may hold commas and doubled quotes) as the dataset index files use.</summary>
internal sealed class CsvTable
{
    private CsvTable(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Column names, trimmed (Head CT's file spells one <c>" hemorrhage"</c>).</summary>
    public string[] Header { get; }

    /// <summary>Records, fields trimmed; blank lines skipped. Row <c>i</c> is line <c>i + 2</c> of the file when no line is blank.</summary>
    public List<string[]> Rows { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static CsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0)
        {
            throw new DatasetLayoutException(path, "is empty; a header row is expected.", "restore the file from the dataset archive.");
        }
        var header = Split(lines[0]);
        if (header.Length > 0) header[0] = header[0].TrimStart('\uFEFF');
        return new CsvTable(path, header, lines.Skip(1).Select(Split).ToList());
    }

    /// <summary>Index of the column named <paramref name="name"/> (letter case ignored); throws naming the columns present when absent.</summary>
    public int Column(string name)
    {
        int i = Array.FindIndex(Header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        if (i < 0)
        {
            throw new DatasetLayoutException(Path,
                $"has no column '{name}'; its columns are: {string.Join(", ", Header.Select(h => $"'{h}'"))}.",
                "use the index file that ships with the dataset (its header names the columns this reader needs).");
        }
        return i;
    }

    /// <summary>Field <paramref name="column"/> of <paramref name="row"/>, empty when the record is short.</summary>
    public static string Field(string[] row, int column) => column < row.Length ? row[column] : "";

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString().Trim());
        return fields.ToArray();
    }
}
