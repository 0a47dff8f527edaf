namespace DaClip.MLNet.Training; internal static class Placeholder1 { }
