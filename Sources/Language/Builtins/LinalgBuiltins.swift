import Foundation
import Numerics

extension Builtins {
  static func linalgModule() -> Module {
    let m = "linalg"
    func mat(
      _ name: String, _ summary: String, returns: String = "",
      _ body: @escaping (Matrix) throws -> Value
    ) -> Builtin {
      make(
        name, module: m, [.required("A", .matrix, "a matrix")], summary: summary, returns: returns
      ) { ctx, a throws(LanguageError) in
        let x = try a.matrix("A")
        return try numerics(ctx.span) { try body(x) }
      }
    }
    let builtins: [Builtin] = [
      make(
        "dot", module: m,
        [.required("x", .vector, "vector"), .required("y", .vector, "vector of the same length")],
        summary: "inner product Σ x_i y_i (BLAS ddot)"
      ) { ctx, a throws(LanguageError) in
        let x = try a.vector("x")
        let y = try a.vector("y")
        return .number(try numerics(ctx.span) { try BLAS.dot(x, y) })
      },
      make(
        "outer", module: m, [.required("x", .vector, "vector"), .required("y", .vector, "vector")],
        summary: "outer product x yᵀ (a len(x)×len(y) matrix)"
      ) { ctx, a throws(LanguageError) in
        let x = try a.vector("x")
        let y = try a.vector("y")
        _ = try checkedSize(Double(x.count) * Double(y.count), "number of elements", span: ctx.span)
        return .matrix(
          Matrix(rows: x.count, cols: y.count) { buf in
            for i in 0..<x.count { for j in 0..<y.count { buf[i * y.count + j] = x[i] * y[j] } }
          })
      },
      make(
        "norm", module: m,
        [
          .required("x", .array, "vector or matrix"),
          .optional(
            "p", .number, default: .number(2), "order: 1, 2 or inf (Frobenius for matrices when 2)"),
        ],
        summary: "vector p-norm, or the Frobenius norm of a matrix"
      ) { _, a throws(LanguageError) in
        let p = try a.number("p")
        guard let e = flat(a["x"]!) else { return .nil }
        if p == 1 { return .number(e.reduce(0) { $0 + Swift.abs($1) }) }
        if p.isInfinite { return .number(e.reduce(0) { Swift.max($0, Swift.abs($1)) }) }
        if p == 2 { return .number(LinearAlgebra.norm(Vector(e))) }
        guard p > 0 else {
          throw a.error("p", "norm: p must be positive, found \(Display.number(p))")
        }
        return .number(Foundation.pow(e.reduce(0) { $0 + Foundation.pow(Swift.abs($1), p) }, 1 / p))
      },
      mat("trace", "sum of the diagonal") { .number($0.trace) },
      mat("det", "determinant (LU factorisation)") { .number(try LinearAlgebra.det($0)) },
      mat("inv", "matrix inverse (errors when singular or ill-conditioned)") {
        .matrix(try LinearAlgebra.inverse($0))
      },
      make(
        "solve", module: m,
        [
          .required("A", .matrix, "square matrix"),
          .required("b", .array, "right-hand side vector or matrix"),
        ],
        summary: "solves A x = b (LU with partial pivoting, LAPACK dgesv)"
      ) { ctx, a throws(LanguageError) in
        let A = try a.matrix("A")
        return try numerics(ctx.span) { () throws -> Value in
          switch a["b"]! {
          case .matrix(let b): return .matrix(try LinearAlgebra.solve(A, b))
          case .vector(let b): return .vector(try LinearAlgebra.solve(A, b))
          case .number(let b): return .vector(try LinearAlgebra.solve(A, Vector([b])))
          default: return .nil
          }
        }
      },
      make(
        "lstsq", module: m,
        [.required("A", .matrix, "m×n matrix"), .required("b", .vector, "vector of length m")],
        summary: "least-squares solution minimising ‖A x − b‖ (minimum norm, LAPACK dgelsd)"
      ) { ctx, a throws(LanguageError) in
        let A = try a.matrix("A")
        let b = try a.vector("b")
        return .vector(try numerics(ctx.span) { try LinearAlgebra.lstsq(A, b) })
      },
      mat(
        "eig", "eigenvalues of a general square matrix (LAPACK dgeev)",
        returns: "record {re, im}: real and imaginary parts"
      ) { A in
        let r = try LinearAlgebra.eig(A)
        return .record(Record([("re", .vector(r.real)), ("im", .vector(r.imaginary))]))
      },
      mat(
        "eigh", "eigen-decomposition of a symmetric matrix, ascending (LAPACK dsyevd)",
        returns: "record {values, vectors}: vectors are the columns"
      ) { A in
        let r = try LinearAlgebra.eigh(A)
        return .record(Record([("values", .vector(r.values)), ("vectors", .matrix(r.vectors))]))
      },
      mat(
        "svd", "thin singular value decomposition A = U diag(s) Vt (LAPACK dgesdd)",
        returns: "record {U, s, Vt}"
      ) { A in
        let r = try LinearAlgebra.svd(A)
        return .record(Record([("U", .matrix(r.u)), ("s", .vector(r.s)), ("Vt", .matrix(r.vt))]))
      },
      mat(
        "chol", "Cholesky factor L (lower) with A = L Lᵀ; errors unless symmetric positive definite"
      ) {
        .matrix(try LinearAlgebra.cholesky($0))
      },
      mat("qr", "reduced QR decomposition A = Q R", returns: "record {Q, R}") { A in
        let r = try LinearAlgebra.qr(A)
        return .record(Record([("Q", .matrix(r.q)), ("R", .matrix(r.r))]))
      },
    ]
    return Module(
      name: m, summary: "linear algebra over BLAS/LAPACK",
      members: builtins.map { ($0.declaration.name, .function(Function($0))) })
  }

  static func statsModule() -> Module {
    let m = "stats"
    let builtins: [Builtin] = [
      make(
        "histogram", module: m,
        [
          .required("x", .vector, "values"),
          .optional("bins", .integer, default: .number(10), "number of equal-width bins"),
          .optional("density", .bool, default: .bool(false), "normalise to a probability density"),
        ],
        summary: "counts (or density) in equal-width bins", returns: "record {counts, edges}"
      ) { ctx, a throws(LanguageError) in
        let x = try a.vector("x")
        let bins = try a.int("bins")
        let density = try a.bool("density")
        guard bins >= 1 else { throw a.error("bins", "histogram: bins must be at least 1") }
        let r = try numerics(ctx.span) { try Statistics.histogram(x, bins: bins, density: density) }
        return .record(Record([("counts", .vector(r.counts)), ("edges", .vector(r.edges))]))
      },
      make(
        "cov", module: m,
        [
          .required("x", .vector, "values"), .required("y", .vector, "values of the same length"),
          .optional("ddof", .integer, default: .number(1), "delta degrees of freedom"),
        ],
        summary: "sample covariance (numpy's np.cov convention, ddof=1)"
      ) { ctx, a throws(LanguageError) in
        let x = try a.vector("x")
        let y = try a.vector("y")
        let d = try a.int("ddof")
        return .number(try numerics(ctx.span) { try Statistics.covariance(x, y, ddof: d) })
      },
      make(
        "corr", module: m,
        [.required("x", .vector, "values"), .required("y", .vector, "values of the same length")],
        summary: "Pearson correlation coefficient"
      ) { ctx, a throws(LanguageError) in
        let x = try a.vector("x")
        let y = try a.vector("y")
        return .number(try numerics(ctx.span) { try Statistics.correlation(x, y) })
      },
      make(
        "covmatrix", module: m,
        [.required("X", .matrix, "observations in rows, variables in columns")],
        summary: "covariance matrix of the columns (ddof=1)"
      ) { ctx, a throws(LanguageError) in
        let x = try a.matrix("X")
        return .matrix(try numerics(ctx.span) { try Statistics.covarianceMatrix(x) })
      },
      make(
        "sem", module: m, [.required("x", .vector, "values")],
        summary: "standard error of the mean: std(x, ddof=1) / √n"
      ) { ctx, a throws(LanguageError) in
        let x = try a.vector("x")
        return .number(
          try numerics(ctx.span) {
            try Statistics.standardDeviation(x, ddof: 1) / Double(x.count).squareRoot()
          })
      },
    ]
    return Module(
      name: m, summary: "statistics beyond the global mean/std/median/quantile",
      members: builtins.map { ($0.declaration.name, .function(Function($0))) })
  }
}
