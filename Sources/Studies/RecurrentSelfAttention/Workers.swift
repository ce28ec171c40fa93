import Numerics

extension RSA {
  /// The default number of workers for sweeps: the active processor count.
  public static var defaultWorkers: Int { ParallelWork.defaultWorkers }
}
