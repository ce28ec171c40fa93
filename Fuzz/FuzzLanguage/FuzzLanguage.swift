import FuzzHarness

/// libFuzzer's entry point: runs one input through `FuzzHarness`; 0 means "keep going".
/// Built with `--sanitize=fuzzer`, libFuzzer supplies `main` (see Fuzz/README.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanguage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzHarness.run(UnsafeBufferPointer(start: data, count: size))
  return 0
}
