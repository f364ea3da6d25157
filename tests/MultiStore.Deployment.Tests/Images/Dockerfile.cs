using System.Text.Json;
using System.Text.RegularExpressions;

namespace MultiStore.Deployment.Tests.Images;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and its arguments, continuation lines joined.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, int Stage);

/// <summary>
/// The parts of a Dockerfile these tests check, read the way <c>docker build</c> reads them: comments dropped,
/// lines ending in a backslash joined, stages counted from each <c>FROM</c>. Enough for this repository's files,
/// not a general parser (no parser directives, heredocs or ARG substitution).
/// </summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerInstruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>Every <c>FROM</c>: the image and its stage name (null when unnamed).</summary>
    public IReadOnlyList<(string Image, string? Stage)> Stages =>
        [.. Instructions.Where(i => i.Keyword == "FROM").Select(i => FromArguments().Match(i.Arguments)).Select(m =>
            (m.Groups["image"].Value, m.Groups["stage"].Success ? m.Groups["stage"].Value : null))];

    /// <summary>The instructions of the last stage: what the image that runs is made of.</summary>
    public IEnumerable<DockerInstruction> Final => Instructions.Where(i => i.Stage == Stages.Count - 1);

    public IReadOnlyList<int> ExposedPorts =>
        [.. Final.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => int.Parse(port.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture))];

    public string? User => Final.LastOrDefault(i => i.Keyword == "USER")?.Arguments.Trim();

    /// <summary>The exec-form ENTRYPOINT of the final stage.</summary>
    public IReadOnlyList<string> Entrypoint =>
        JsonSerializer.Deserialize<string[]>(Final.Last(i => i.Keyword == "ENTRYPOINT").Arguments)
        ?? throw new InvalidOperationException($"{Path}: ENTRYPOINT is not in exec (JSON array) form.");

    /// <summary>The environment the final stage sets (<c>ENV key=value ...</c>, quotes removed).</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        Final.Where(i => i.Keyword == "ENV")
            .SelectMany(i => EnvPair().Matches(i.Arguments))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["plain"].Value);

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = "";
            if (whole.Length == 0)
            {
                continue;
            }

            var space = whole.IndexOf(' ');
            var keyword = whole[..space].ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerInstruction(keyword, whole[(space + 1)..].Trim(), stage));
        }

        return new Dockerfile(path, instructions);
    }

    [GeneratedRegex(@"^(?:--platform=\S+\s+)?(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromArguments();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?:""(?<quoted>[^""]*)""|(?<plain>\S*))")]
    private static partial Regex EnvPair();
}
