;; Elementwise kernels in WebAssembly SIMD (f32x4) over tfjs-wasm's own memory:
;; the module imports the backend's WebAssembly.Memory, so tensors are read and
;; written where they live, without copies. Compiled by scripts/build.mjs (wabt)
;; and bundled as bytes (see simdKernels.ts, which also holds the plain
;; JavaScript versions the cpu backend runs and the tests compare against).
;;
;; Why: tfjs-wasm's Exp, Sigmoid and Tanh are scalar loops (Exp measured ~10 ns
;; per element), and a cross-entropy over a 2,000-word output or the gates of a
;; recurrent step are millions of them per training step.
;;
;; All pointers are byte offsets; all sizes are element counts. Rows of width
;; H ≥ 4 that are not a multiple of 4 end with one chunk that overlaps the one
;; before: it recomputes a few elements from the same inputs (outputs never
;; alias inputs), so only sums need care.
(module
  (import "env" "memory" (memory 0))

  ;; exp(x) lane-wise: Cephes' expf (range reduction by ln 2 in two parts, a
  ;; degree-6 polynomial, 2^n built in the exponent bits); relative error ~1e-7.
  ;; x is clamped to [-87.3, 88.3], where 2^n stays a normal float. Written for
  ;; what V8 compiles to few instructions: pmin/pmax (one minps/maxps each; the
  ;; NaN-propagating min/max take several), and rounding by adding 1.5·2^23
  ;; (whose low mantissa bits are then n itself) instead of nearest + trunc_sat.
  (func $exp (param $x v128) (result v128)
    (local $t v128) (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (f32x4.splat (f32.const -87.3))) (f32x4.splat (f32.const 88.3))))
    (local.set $t (f32x4.add (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341))) (f32x4.splat (f32.const 12582912))))
    (local.set $n (f32x4.sub (local.get $t) (f32x4.splat (f32.const 12582912))))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375))))
        (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p
      (f32x4.add
        (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
        (f32x4.splat (f32.const 1))))
    ;; bits(t) = 0x4B400000 + n: the exponent field of 2^n is n + 127
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (local.get $t) (i32x4.splat (i32.const -1262485377))) (i32.const 23))))

  ;; σ(x) = 1 / (1 + e^-x)
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $exp (f32x4.neg (local.get $x))))))

  ;; tanh(x) = 1 − 2 / (e^2x + 1)
  (func $tanh (param $x v128) (result v128)
    (f32x4.sub (f32x4.splat (f32.const 1))
      (f32x4.div (f32x4.splat (f32.const 2))
        (f32x4.add (call $exp (f32x4.add (local.get $x) (local.get $x))) (f32x4.splat (f32.const 1))))))

  ;; exp over n elements (n ≥ 4): out = e^x
  (func (export "exp") (param $x i32) (param $out i32) (param $n i32)
    (local $k i32) (local $end i32) (local $at i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (loop $each
      ;; the last chunk overlaps the one before when n is not a multiple of 4
      (local.set $at (select (local.get $k) (i32.sub (local.get $end) (i32.const 16))
        (i32.le_u (i32.add (local.get $k) (i32.const 16)) (local.get $end))))
      (v128.store (i32.add (local.get $out) (local.get $at)) (call $exp (v128.load (i32.add (local.get $x) (local.get $at)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $each (i32.lt_u (local.get $k) (local.get $end)))))

  ;; out[c] = Σ_r x[r, c] for x [n, v] (n ≥ 1): the rows added into one.
  (func (export "sum_rows") (param $x i32) (param $out i32) (param $n i32) (param $v i32)
    (local $row i32) (local $bytes i32) (local $k i32) (local $xr i32) (local $main i32)
    (local.set $bytes (i32.shl (local.get $v) (i32.const 2)))
    (local.set $main (i32.and (local.get $bytes) (i32.const -16)))
    (memory.copy (local.get $out) (local.get $x) (local.get $bytes))
    (local.set $row (i32.const 1))
    (block $done
      (br_if $done (i32.ge_u (local.get $row) (local.get $n)))
      (loop $rows
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $bytes))))
        (local.set $k (i32.const 0))
        (block $tail
          (loop $four
            (br_if $tail (i32.ge_u (local.get $k) (local.get $main)))
            (v128.store (i32.add (local.get $out) (local.get $k))
              (f32x4.add (v128.load (i32.add (local.get $out) (local.get $k))) (v128.load (i32.add (local.get $xr) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $four)))
        (block $end
          (loop $one
            (br_if $end (i32.ge_u (local.get $k) (local.get $bytes)))
            (f32.store (i32.add (local.get $out) (local.get $k))
              (f32.add (f32.load (i32.add (local.get $out) (local.get $k))) (f32.load (i32.add (local.get $xr) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $row) (local.get $n))))))

  ;; out[r] = Σ_c x[r, c] for x [n, v]: each row summed (two accumulators per turn).
  (func (export "sum_cols") (param $x i32) (param $out i32) (param $n i32) (param $v i32)
    (local $row i32) (local $bytes i32) (local $k i32) (local $xr i32) (local $main i32)
    (local $a v128) (local $b v128) (local $s f32)
    (local.set $bytes (i32.shl (local.get $v) (i32.const 2)))
    (local.set $main (i32.and (local.get $bytes) (i32.const -32)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $bytes))))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $tail
          (loop $eight
            (br_if $tail (i32.ge_u (local.get $k) (local.get $main)))
            (local.set $a (f32x4.add (local.get $a) (v128.load (i32.add (local.get $xr) (local.get $k)))))
            (local.set $b (f32x4.add (local.get $b) (v128.load offset=16 (i32.add (local.get $xr) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $eight)))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (local.set $s
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
                   (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (block $end
          (loop $one
            (br_if $end (i32.ge_u (local.get $k) (local.get $bytes)))
            (local.set $s (f32.add (local.get $s) (f32.load (i32.add (local.get $xr) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $one)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2))) (local.get $s))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $row) (local.get $n))))))

  ;; The rows of a softmax cross-entropy: for each of n rows of width v (v ≥ 4)
  ;; of logits x, with m = max and s = Σ e^(x − m):
  ;;   out[r] = e^(x[r] − m) · scale[r] / s       (softmax, scaled)
  ;;   stats[2r] = m, stats[2r + 1] = s           (the caller takes log s and the label's term)
  (func (export "softmax_rows") (param $x i32) (param $out i32) (param $n i32) (param $v i32) (param $scale i32) (param $stats i32)
    (local $row i32) (local $bytes i32) (local $k i32) (local $at i32) (local $xr i32) (local $or i32)
    (local $m v128) (local $s v128) (local $e v128) (local $keep v128) (local $mx f32) (local $sum f32) (local $f f32)
    (local.set $bytes (i32.shl (local.get $v) (i32.const 2)))
    ;; lanes of the overlapping last chunk that are new: lane index ≥ 4 − v mod 4 (all lanes when v mod 4 = 0)
    (local.set $keep
      (i32x4.ge_s (v128.const i32x4 0 1 2 3)
        (i32x4.splat (i32.and (i32.sub (i32.const 4) (i32.and (local.get $v) (i32.const 3))) (i32.const 3)))))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $bytes))))
        (local.set $or (i32.add (local.get $out) (i32.mul (local.get $row) (local.get $bytes))))
        ;; max (an overlapping chunk does no harm)
        (local.set $m (v128.load (local.get $xr)))
        (local.set $k (i32.const 16))
        (block $maxed
          (br_if $maxed (i32.ge_u (local.get $k) (local.get $bytes)))
          (loop $max
            (local.set $at (select (local.get $k) (i32.sub (local.get $bytes) (i32.const 16))
              (i32.le_u (i32.add (local.get $k) (i32.const 16)) (local.get $bytes))))
            (local.set $m (f32x4.pmax (local.get $m) (v128.load (i32.add (local.get $xr) (local.get $at)))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br_if $max (i32.lt_u (local.get $k) (local.get $bytes)))))
        (local.set $mx
          (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
                   (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
        (local.set $m (f32x4.splat (local.get $mx)))
        ;; e^(x − m), summed; the overlapping last chunk adds only its new lanes
        (local.set $s (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $exps
          (if (i32.le_u (i32.add (local.get $k) (i32.const 16)) (local.get $bytes))
            (then
              (local.set $e (call $exp (f32x4.sub (v128.load (i32.add (local.get $xr) (local.get $k))) (local.get $m))))
              (v128.store (i32.add (local.get $or) (local.get $k)) (local.get $e))
              (local.set $s (f32x4.add (local.get $s) (local.get $e))))
            (else
              (local.set $at (i32.sub (local.get $bytes) (i32.const 16)))
              (local.set $e (call $exp (f32x4.sub (v128.load (i32.add (local.get $xr) (local.get $at))) (local.get $m))))
              (v128.store (i32.add (local.get $or) (local.get $at)) (local.get $e))
              (local.set $s (f32x4.add (local.get $s) (v128.and (local.get $e) (local.get $keep))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $exps (i32.lt_u (local.get $k) (local.get $bytes))))
        (local.set $sum
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
                   (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))
        (f32.store (i32.add (local.get $stats) (i32.shl (local.get $row) (i32.const 3))) (local.get $mx))
        (f32.store offset=4 (i32.add (local.get $stats) (i32.shl (local.get $row) (i32.const 3))) (local.get $sum))
        ;; scale: whole chunks, then the last v mod 4 one at a time (scaling is not idempotent)
        (local.set $f (f32.div (f32.load (i32.add (local.get $scale) (i32.shl (local.get $row) (i32.const 2)))) (local.get $sum)))
        (local.set $e (f32x4.splat (local.get $f)))
        (local.set $k (i32.const 0))
        (block $scaled
          (loop $scale4
            (br_if $scaled (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $bytes)))
            (v128.store (i32.add (local.get $or) (local.get $k)) (f32x4.mul (v128.load (i32.add (local.get $or) (local.get $k))) (local.get $e)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $scale4)))
        (block $tail
          (loop $scale1
            (br_if $tail (i32.ge_u (local.get $k) (local.get $bytes)))
            (f32.store (i32.add (local.get $or) (local.get $k)) (f32.mul (f32.load (i32.add (local.get $or) (local.get $k))) (local.get $f)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $scale1)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $row) (local.get $n))))))

  ;; Batched matrix product C[i] = A[i] · B[i], A [M, K], B [K, N] row-major, N a multiple
  ;; of 4; strideA and strideB are the bytes between batch items (0: one matrix for all).
  ;; For the many small products of attention (32 × 32 per head), where XNNPACK's per-call
  ;; setup costs more than the arithmetic: 16 columns per turn in four accumulators, then 4.
  (func (export "bmm")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32) (param $M i32) (param $K i32) (param $N i32)
    (param $strideA i32) (param $strideB i32)
    (local $i i32) (local $m i32) (local $n i32) (local $k i32) (local $arow i32) (local $bbase i32) (local $crow i32)
    (local $rowB i32) (local $bp i32) (local $av v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (local.set $crow (local.get $c))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $batch)) (i32.eqz (local.get $M))))
      (loop $items
        (local.set $bbase (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $strideB))))
        (local.set $m (i32.const 0))
        (loop $rows
          (local.set $arow (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $strideA))) (i32.shl (i32.mul (local.get $m) (local.get $K)) (i32.const 2))))
          (local.set $n (i32.const 0))
          ;; 16 columns at a time
          (block $wide_done
            (loop $wide
              (br_if $wide_done (i32.gt_u (i32.add (local.get $n) (i32.const 16)) (local.get $N)))
              (local.set $c0 (v128.const i32x4 0 0 0 0))
              (local.set $c1 (v128.const i32x4 0 0 0 0))
              (local.set $c2 (v128.const i32x4 0 0 0 0))
              (local.set $c3 (v128.const i32x4 0 0 0 0))
              (local.set $bp (i32.add (local.get $bbase) (i32.shl (local.get $n) (i32.const 2))))
              (local.set $k (i32.const 0))
              (block $k_done
                (br_if $k_done (i32.eqz (local.get $K)))
                (loop $ks
                  (local.set $av (f32x4.splat (f32.load (i32.add (local.get $arow) (i32.shl (local.get $k) (i32.const 2))))))
                  (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $av) (v128.load (local.get $bp)))))
                  (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $av) (v128.load offset=16 (local.get $bp)))))
                  (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $av) (v128.load offset=32 (local.get $bp)))))
                  (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $av) (v128.load offset=48 (local.get $bp)))))
                  (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $ks (i32.lt_u (local.get $k) (local.get $K)))))
              (v128.store (i32.add (local.get $crow) (i32.shl (local.get $n) (i32.const 2))) (local.get $c0))
              (v128.store offset=16 (i32.add (local.get $crow) (i32.shl (local.get $n) (i32.const 2))) (local.get $c1))
              (v128.store offset=32 (i32.add (local.get $crow) (i32.shl (local.get $n) (i32.const 2))) (local.get $c2))
              (v128.store offset=48 (i32.add (local.get $crow) (i32.shl (local.get $n) (i32.const 2))) (local.get $c3))
              (local.set $n (i32.add (local.get $n) (i32.const 16)))
              (br $wide)))
          ;; the rest, 4 columns at a time
          (block $narrow_done
            (loop $narrow
              (br_if $narrow_done (i32.ge_u (local.get $n) (local.get $N)))
              (local.set $c0 (v128.const i32x4 0 0 0 0))
              (local.set $bp (i32.add (local.get $bbase) (i32.shl (local.get $n) (i32.const 2))))
              (local.set $k (i32.const 0))
              (block $k4_done
                (br_if $k4_done (i32.eqz (local.get $K)))
                (loop $k4
                  (local.set $c0 (f32x4.add (local.get $c0)
                    (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $arow) (i32.shl (local.get $k) (i32.const 2))))) (v128.load (local.get $bp)))))
                  (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $k4 (i32.lt_u (local.get $k) (local.get $K)))))
              (v128.store (i32.add (local.get $crow) (i32.shl (local.get $n) (i32.const 2))) (local.get $c0))
              (local.set $n (i32.add (local.get $n) (i32.const 4)))
              (br $narrow)))
          (local.set $crow (i32.add (local.get $crow) (local.get $rowB)))
          (local.set $m (i32.add (local.get $m) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $m) (local.get $M))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $items (i32.lt_u (local.get $i) (local.get $batch))))))

  ;; One GRU step (reset_after; gates z r n), H ≥ 4. xp: this step's row of the input
  ;; projections [B, 3H]; hu = h U [B, 3H]; c the recurrent bias [3H]; h [B, H];
  ;; mask [B] when masked. Writes hOut [B, H] and saved [B, 4H] = [z r n (hu_n + c_n)].
  (func (export "gru_forward")
    (param $xp i32) (param $hu i32) (param $c i32) (param $h i32) (param $mask i32) (param $masked i32)
    (param $hOut i32) (param $saved i32) (param $B i32) (param $H i32)
    (local $b i32) (local $k i32) (local $at i32) (local $row i32) (local $g i32) (local $sv i32) (local $hb i32)
    (local $m v128) (local $z v128) (local $r v128) (local $hn v128) (local $n v128) (local $prev v128) (local $next v128)
    (local.set $row (i32.shl (local.get $H) (i32.const 2)))
    (loop $batch
      (local.set $m (f32x4.splat (select (f32.load (i32.add (local.get $mask) (i32.shl (local.get $b) (i32.const 2)))) (f32.const 1) (local.get $masked))))
      (local.set $g (i32.mul (local.get $b) (i32.mul (local.get $row) (i32.const 3))))
      (local.set $sv (i32.add (local.get $saved) (i32.mul (local.get $b) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $hb (i32.mul (local.get $b) (local.get $row)))
      (local.set $k (i32.const 0))
      (loop $units
        (local.set $at (select (local.get $k) (i32.sub (local.get $row) (i32.const 16))
          (i32.le_u (i32.add (local.get $k) (i32.const 16)) (local.get $row))))
        (local.set $z (call $sigmoid
          (f32x4.add (f32x4.add (v128.load (i32.add (i32.add (local.get $xp) (local.get $g)) (local.get $at)))
                                (v128.load (i32.add (i32.add (local.get $hu) (local.get $g)) (local.get $at))))
                     (v128.load (i32.add (local.get $c) (local.get $at))))))
        (local.set $r (call $sigmoid
          (f32x4.add (f32x4.add (v128.load (i32.add (i32.add (local.get $xp) (local.get $g)) (i32.add (local.get $row) (local.get $at))))
                                (v128.load (i32.add (i32.add (local.get $hu) (local.get $g)) (i32.add (local.get $row) (local.get $at)))))
                     (v128.load (i32.add (local.get $c) (i32.add (local.get $row) (local.get $at)))))))
        (local.set $hn
          (f32x4.add (v128.load (i32.add (i32.add (local.get $hu) (local.get $g)) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at))))
                     (v128.load (i32.add (local.get $c) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at))))))
        (local.set $n (call $tanh
          (f32x4.add (v128.load (i32.add (i32.add (local.get $xp) (local.get $g)) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at))))
                     (f32x4.mul (local.get $r) (local.get $hn)))))
        (local.set $prev (v128.load (i32.add (i32.add (local.get $h) (local.get $hb)) (local.get $at))))
        ;; z·h + (1 − z)·n, then m·new + (1 − m)·h
        (local.set $next (f32x4.add (local.get $n) (f32x4.mul (local.get $z) (f32x4.sub (local.get $prev) (local.get $n)))))
        (v128.store (i32.add (i32.add (local.get $hOut) (local.get $hb)) (local.get $at))
          (f32x4.add (f32x4.mul (local.get $m) (local.get $next)) (f32x4.mul (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $m)) (local.get $prev))))
        (v128.store (i32.add (local.get $sv) (local.get $at)) (local.get $z))
        (v128.store (i32.add (local.get $sv) (i32.add (local.get $row) (local.get $at))) (local.get $r))
        (v128.store (i32.add (local.get $sv) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at))) (local.get $n))
        (v128.store (i32.add (local.get $sv) (i32.add (i32.mul (local.get $row) (i32.const 3)) (local.get $at))) (local.get $hn))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br_if $units (i32.lt_u (local.get $k) (local.get $row))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $B)))))

  ;; One LSTM step (gates i f g o), H ≥ 4. xp: this step's row of x W + b [B, 4H];
  ;; hu = h U [B, 4H]; c, h [B, H]; mask [B] when masked. Writes hOut, cOut [B, H]
  ;; and saved [B, 5H] = [i f g o tanh(c_t)].
  (func (export "lstm_forward")
    (param $xp i32) (param $hu i32) (param $c i32) (param $h i32) (param $mask i32) (param $masked i32)
    (param $hOut i32) (param $cOut i32) (param $saved i32) (param $B i32) (param $H i32)
    (local $b i32) (local $k i32) (local $at i32) (local $row i32) (local $x i32) (local $u i32) (local $sv i32) (local $hb i32)
    (local $m v128) (local $i v128) (local $f v128) (local $gg v128) (local $o v128) (local $cp v128) (local $cn v128) (local $tc v128) (local $hp v128)
    (local.set $row (i32.shl (local.get $H) (i32.const 2)))
    (loop $batch
      (local.set $m (f32x4.splat (select (f32.load (i32.add (local.get $mask) (i32.shl (local.get $b) (i32.const 2)))) (f32.const 1) (local.get $masked))))
      (local.set $x (i32.add (local.get $xp) (i32.mul (local.get $b) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $u (i32.add (local.get $hu) (i32.mul (local.get $b) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $sv (i32.add (local.get $saved) (i32.mul (local.get $b) (i32.mul (local.get $row) (i32.const 5)))))
      (local.set $hb (i32.mul (local.get $b) (local.get $row)))
      (local.set $k (i32.const 0))
      (loop $units
        (local.set $at (select (local.get $k) (i32.sub (local.get $row) (i32.const 16))
          (i32.le_u (i32.add (local.get $k) (i32.const 16)) (local.get $row))))
        (local.set $i (call $sigmoid (f32x4.add (v128.load (i32.add (local.get $x) (local.get $at))) (v128.load (i32.add (local.get $u) (local.get $at))))))
        (local.set $f (call $sigmoid (f32x4.add
          (v128.load (i32.add (local.get $x) (i32.add (local.get $row) (local.get $at))))
          (v128.load (i32.add (local.get $u) (i32.add (local.get $row) (local.get $at)))))))
        (local.set $gg (call $tanh (f32x4.add
          (v128.load (i32.add (local.get $x) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at))))
          (v128.load (i32.add (local.get $u) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at)))))))
        (local.set $o (call $sigmoid (f32x4.add
          (v128.load (i32.add (local.get $x) (i32.add (i32.mul (local.get $row) (i32.const 3)) (local.get $at))))
          (v128.load (i32.add (local.get $u) (i32.add (i32.mul (local.get $row) (i32.const 3)) (local.get $at)))))))
        (local.set $cp (v128.load (i32.add (i32.add (local.get $c) (local.get $hb)) (local.get $at))))
        (local.set $hp (v128.load (i32.add (i32.add (local.get $h) (local.get $hb)) (local.get $at))))
        (local.set $cn (f32x4.add (f32x4.mul (local.get $f) (local.get $cp)) (f32x4.mul (local.get $i) (local.get $gg))))
        (local.set $tc (call $tanh (local.get $cn)))
        (v128.store (i32.add (i32.add (local.get $hOut) (local.get $hb)) (local.get $at))
          (f32x4.add (local.get $hp) (f32x4.mul (local.get $m) (f32x4.sub (f32x4.mul (local.get $o) (local.get $tc)) (local.get $hp)))))
        (v128.store (i32.add (i32.add (local.get $cOut) (local.get $hb)) (local.get $at))
          (f32x4.add (local.get $cp) (f32x4.mul (local.get $m) (f32x4.sub (local.get $cn) (local.get $cp)))))
        (v128.store (i32.add (local.get $sv) (local.get $at)) (local.get $i))
        (v128.store (i32.add (local.get $sv) (i32.add (local.get $row) (local.get $at))) (local.get $f))
        (v128.store (i32.add (local.get $sv) (i32.add (i32.shl (local.get $row) (i32.const 1)) (local.get $at))) (local.get $gg))
        (v128.store (i32.add (local.get $sv) (i32.add (i32.mul (local.get $row) (i32.const 3)) (local.get $at))) (local.get $o))
        (v128.store (i32.add (local.get $sv) (i32.add (i32.shl (local.get $row) (i32.const 2)) (local.get $at))) (local.get $tc))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br_if $units (i32.lt_u (local.get $k) (local.get $row))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $B)))))
)
