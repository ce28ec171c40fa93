import Foundation
import Numerics
import Testing

@testable import DataIO

/// Both directions against real numpy (found by `NumpyPython`).
@Suite(.enabled(if: NumpyPython.shouldRun, "needs python with numpy"))
struct NumpyInteropTests {
  /// numpy writes every dtype, both orders, format versions 1, 2 and 3; Swift reads.
  @Test func swiftReadsWhatNumpyWrites() throws {
    let dir = try TemporaryDirectory()
    let script = """
      import sys, numpy as np
      d = sys.argv[1]
      base = np.array([[0, 1, 2], [3, 4, 5]])
      for code in ['<f8', '>f8', '<f4', '>f4', '<i4', '>i4', '<i8', '>i8', '|b1', '|u1',
                   '<u4', '>u4', '<u8', '>u8']:
          a = (base % 2 == 1) if code == '|b1' else (base * 3 - (0 if code[1] in 'ub' else 7))
          a = a.astype(np.dtype(code))
          for order in ['C', 'F']:
              for version in [(1, 0), (2, 0), (3, 0)]:
                  name = f"{d}/{code[1:]}_{'big' if code[0] == '>' else 'little'}_{order}_{version[0]}.npy"
                  with open(name, 'wb') as f:
                      np.lib.format.write_array(f, np.asarray(a, order=order), version=version)
      np.save(f"{d}/vector.npy", np.array([0.1, -2.5, 1e300]))
      np.save(f"{d}/scalar.npy", np.float64(3.25))
      np.save(f"{d}/frac.npy", (np.arange(6.0) / 7).reshape(2, 3))
      """
    _ = try NumpyPython.run(script, [dir.url.path])
    var checked = 0
    for code in ["f8", "f4", "i4", "i8", "b1", "u1", "u4", "u8"] {
      for endian in code.hasSuffix("1") ? ["little"] : ["little", "big"] {
        for order in ["C", "F"] {
          for version in 1...3 {
            let a = try NPY.read(path: dir.path("\(code)_\(endian)_\(order)_\(version).npy"))
            let expected = (0..<6).map { i -> Double in
              code == "b1" ? Double(i % 2) : Double(i * 3 - ("ub".contains(code.first!) ? 0 : 7))
            }
            #expect(
              a == .matrix(try Matrix(rows: 2, cols: 3, elements: expected)),
              "\(code) \(endian) \(order) v\(version)")
            checked += 1
          }
        }
      }
    }
    #expect(checked == 84)
    #expect(try NPY.read(path: dir.path("vector.npy")) == .vector(Vector([0.1, -2.5, 1e300])))
    #expect(try NPY.read(path: dir.path("scalar.npy")) == .scalar(3.25))
    #expect(
      try NPY.read(path: dir.path("frac.npy"))
        == .matrix(try Matrix(rows: 2, cols: 3, elements: (0..<6).map { Double($0) / 7 })))
  }

  /// Swift writes; numpy loads and compares bit for bit.
  @Test func numpyReadsWhatSwiftWrites() throws {
    let dir = try TemporaryDirectory()
    try NPY.write(.vector(Vector([0.1, -2.5, 1e-300, 7])), to: dir.path("v.npy"))
    try NPY.write(
      .matrix(try Matrix(rows: 2, cols: 3, elements: (0..<6).map { Double($0) / 7 })),
      to: dir.path("m.npy"))
    try NPY.write(.scalar(3.25), to: dir.path("s.npy"))
    let script = """
      import sys, numpy as np
      d = sys.argv[1]
      v = np.load(f"{d}/v.npy"); m = np.load(f"{d}/m.npy"); s = np.load(f"{d}/s.npy")
      assert v.dtype == np.float64 and np.array_equal(v, [0.1, -2.5, 1e-300, 7]), v
      assert m.shape == (2, 3) and m.flags.c_contiguous, m.shape
      assert np.array_equal(m, (np.arange(6.0) / 7).reshape(2, 3)), m
      assert s.shape == () and s == 3.25, s
      print("ok")
      """
    #expect(try NumpyPython.run(script, [dir.url.path]) == "ok\n")
  }
}
