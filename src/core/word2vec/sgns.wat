;; Skip-gram with negative sampling: the update for one (center, context) pair,
;; as in word2vec.c, in WebAssembly SIMD (f32x4). Compiled by scripts/build.mjs
;; (wabt) to dist/wasm/sgns.wasm.
;;
;; Sampling (subsampling, the reduced window, negative draws) stays in JS; this
;; is the arithmetic: for each target row (the positive context word first,
;; then the negatives) one dot product, one scalar gradient, and two axpys over
;; the row; then the accumulated gradient is added to the input row. Measured:
;; plain JS and tfjs reach about a fifth of gensim's speed, this about gensim's.
;;
;; Memory layout is the caller's: rows are `row` bytes (a multiple of 32: the
;; dimension is padded with zeros, which stay zero, so every loop can take two
;; f32x4 vectors per turn), all offsets are in bytes.
(module
  (import "env" "memory" (memory 1))

  ;; train_pair(in, targets, n, row, alpha, neu, exp)
  ;;   in      offset of the input vector (syn0 row of the context word)
  ;;   targets offset of n i32 offsets of output rows (syn1neg); targets[0] is the positive
  ;;   row     bytes per row
  ;;   alpha   learning rate
  ;;   neu     offset of a scratch row (the accumulated gradient for `in`)
  ;;   exp     offset of word2vec.c's sigmoid table: 1000 f32 over [-6, 6]
  (func (export "train_pair")
    (param $in i32) (param $targets i32) (param $n i32) (param $row i32)
    (param $alpha f32) (param $neu i32) (param $exp i32)
    (local $t i32) (local $out i32) (local $k i32)
    (local $acc v128) (local $acc2 v128) (local $gv v128) (local $o v128)
    (local $f f32) (local $g f32) (local $label f32)

    ;; neu = 0
    (local.set $k (i32.const 0))
    (loop $clear
      (v128.store (i32.add (local.get $neu) (local.get $k)) (v128.const i32x4 0 0 0 0))
      (v128.store offset=16 (i32.add (local.get $neu) (local.get $k)) (v128.const i32x4 0 0 0 0))
      (local.set $k (i32.add (local.get $k) (i32.const 32)))
      (br_if $clear (i32.lt_u (local.get $k) (local.get $row))))

    (local.set $t (i32.const 0))
    (loop $each_target
      (local.set $out (i32.load (i32.add (local.get $targets) (i32.shl (local.get $t) (i32.const 2)))))
      (local.set $label (select (f32.const 1) (f32.const 0) (i32.eqz (local.get $t))))

      ;; f = in · out (two accumulators: two independent chains per turn)
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $acc2 (v128.const i32x4 0 0 0 0))
      (local.set $k (i32.const 0))
      (loop $dot
        (local.set $acc
          (f32x4.add (local.get $acc)
            (f32x4.mul (v128.load (i32.add (local.get $in) (local.get $k)))
                       (v128.load (i32.add (local.get $out) (local.get $k))))))
        (local.set $acc2
          (f32x4.add (local.get $acc2)
            (f32x4.mul (v128.load offset=16 (i32.add (local.get $in) (local.get $k)))
                       (v128.load offset=16 (i32.add (local.get $out) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 32)))
        (br_if $dot (i32.lt_u (local.get $k) (local.get $row))))
      (local.set $acc (f32x4.add (local.get $acc) (local.get $acc2)))
      (local.set $f
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                 (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

      ;; g = (label − σ(f)) · alpha, with σ saturated outside [−6, 6] as in word2vec.c
      (if (f32.gt (local.get $f) (f32.const 6))
        (then (local.set $g (f32.mul (f32.sub (local.get $label) (f32.const 1)) (local.get $alpha))))
        (else
          (if (f32.lt (local.get $f) (f32.const -6))
            (then (local.set $g (f32.mul (local.get $label) (local.get $alpha))))
            (else
              (local.set $g
                (f32.mul
                  (f32.sub (local.get $label)
                    (f32.load (i32.add (local.get $exp)
                      (i32.shl (i32.trunc_f32_s (f32.mul (f32.add (local.get $f) (f32.const 6)) (f32.const 83.333333)))
                               (i32.const 2)))))
                  (local.get $alpha)))))))

      ;; neu += g · out;  out += g · in
      (local.set $gv (f32x4.splat (local.get $g)))
      (local.set $k (i32.const 0))
      (loop $update
        (local.set $o (v128.load (i32.add (local.get $out) (local.get $k))))
        (v128.store (i32.add (local.get $neu) (local.get $k))
          (f32x4.add (v128.load (i32.add (local.get $neu) (local.get $k))) (f32x4.mul (local.get $gv) (local.get $o))))
        (v128.store (i32.add (local.get $out) (local.get $k))
          (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load (i32.add (local.get $in) (local.get $k))))))
        (local.set $o (v128.load offset=16 (i32.add (local.get $out) (local.get $k))))
        (v128.store offset=16 (i32.add (local.get $neu) (local.get $k))
          (f32x4.add (v128.load offset=16 (i32.add (local.get $neu) (local.get $k))) (f32x4.mul (local.get $gv) (local.get $o))))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $k))
          (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load offset=16 (i32.add (local.get $in) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 32)))
        (br_if $update (i32.lt_u (local.get $k) (local.get $row))))

      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br_if $each_target (i32.lt_u (local.get $t) (local.get $n))))

    ;; in += neu
    (local.set $k (i32.const 0))
    (loop $apply
      (v128.store (i32.add (local.get $in) (local.get $k))
        (f32x4.add (v128.load (i32.add (local.get $in) (local.get $k))) (v128.load (i32.add (local.get $neu) (local.get $k)))))
      (v128.store offset=16 (i32.add (local.get $in) (local.get $k))
        (f32x4.add (v128.load offset=16 (i32.add (local.get $in) (local.get $k))) (v128.load offset=16 (i32.add (local.get $neu) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 32)))
      (br_if $apply (i32.lt_u (local.get $k) (local.get $row)))))
)
