using Microsoft.VisualStudio.TestTools.UnitTesting;

// Tests share native thread pools (libtorch, ONNX Runtime) on a 2-core machine: run classes in parallel, 2 workers.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
