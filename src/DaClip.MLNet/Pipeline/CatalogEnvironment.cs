using System.Reflection;
using Microsoft.ML.Runtime;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The ML.NET environment behind a catalog object (<c>mlContext.Transforms</c>, <c>mlContext.AnomalyDetection.Trainers</c>):
/// ML.NET keeps it behind its internal <c>IInternalCatalog.Environment</c>, so third-party extension methods can reach it
/// only by reflection. It is used for logging alone (messages then reach <c>MLContext.Log</c>); when the member cannot
/// be found (a future ML.NET), the result is null and messages go to <see cref="System.Diagnostics.Trace"/>.
/// </summary>
internal static class CatalogEnvironment
{
    private const string InterfaceName = "Microsoft.ML.Data.IInternalCatalog";

    /// <summary>The catalog's environment, or null when this ML.NET version hides it differently.</summary>
    public static IHostEnvironment? Of(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var type = catalog.GetType();
        var iface = type.GetInterface(InterfaceName);
        if (iface is null) return null;
        var map = type.GetInterfaceMap(iface);
        for (int i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.InterfaceMethods[i].Name != "get_Environment") continue;
            try
            {
                return map.TargetMethods[i].Invoke(catalog, null) as IHostEnvironment;
            }
            catch (TargetInvocationException)
            {
                return null;
            }
        }
        return null;
    }
}
