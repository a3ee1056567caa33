;; One epoch of UMAP's layout optimisation (umap-learn's optimize_layout_euclidean with
;; move_other): for every edge due this epoch, pull its two ends together along
;; 1 / (1 + a d^2b), then push the head away from a few random points. The same steps as the
;; JS loop in umap.ts, in f64, with pow done as exp2(b · log2 x) by polynomials (relative error
;; below 1e-6, far under the noise of the sampling). Compiled by wabt at build time and bundled.
;;
;; Memory (all offsets in bytes, the caller's layout): y n × d f64; per, next, perneg, nextneg
;; E f64 each; head, tail E i32 each.
(module
  (import "env" "memory" (memory 1))
  (global $s (mut i32) (i32.const 2463534242))

  (func (export "seed") (param $v i32)
    (global.set $s (select (local.get $v) (i32.const 2463534242) (local.get $v))))

  ;; xorshift32, then an index in [0, n) by a 32 × 32 → 64 bit multiply.
  (func $rand (param $n i32) (result i32)
    (local $x i32)
    (local.set $x (global.get $s))
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
    (global.set $s (local.get $x))
    (i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $x)) (i64.extend_i32_u (local.get $n))) (i64.const 32))))

  ;; log2 x for x > 0: the exponent from the bits; log2 m, m in [1, 2), from t = (m − 1)/(m + 1):
  ;; log2 m = (2 / ln 2)(t + t³/3 + t⁵/5 + … + t¹¹/11), by Horner in t².
  (func $log2 (param $x f64) (result f64)
    (local $bits i64) (local $m f64) (local $t f64) (local $t2 f64) (local $h f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $m (f64.reinterpret_i64 (i64.or (i64.and (local.get $bits) (i64.const 0x000fffffffffffff)) (i64.const 0x3ff0000000000000))))
    (local.set $t (f64.div (f64.sub (local.get $m) (f64.const 1)) (f64.add (local.get $m) (f64.const 1))))
    (local.set $t2 (f64.mul (local.get $t) (local.get $t)))
    (local.set $h (f64.const 0.09090909090909091))
    (local.set $h (f64.add (f64.const 0.1111111111111111) (f64.mul (local.get $t2) (local.get $h))))
    (local.set $h (f64.add (f64.const 0.14285714285714285) (f64.mul (local.get $t2) (local.get $h))))
    (local.set $h (f64.add (f64.const 0.2) (f64.mul (local.get $t2) (local.get $h))))
    (local.set $h (f64.add (f64.const 0.3333333333333333) (f64.mul (local.get $t2) (local.get $h))))
    (local.set $h (f64.add (f64.const 1) (f64.mul (local.get $t2) (local.get $h))))
    (f64.add
      (f64.convert_i64_s (i64.sub (i64.and (i64.shr_u (local.get $bits) (i64.const 52)) (i64.const 0x7ff)) (i64.const 1023)))
      (f64.mul (f64.const 2.885390081777927) (f64.mul (local.get $t) (local.get $h)))))

  ;; 2^y: 2^floor(y) in the exponent bits, 2^f for f in [0, 1) by Taylor in z = f · ln 2 (degree 8).
  (func $exp2 (param $y f64) (result f64)
    (local $k f64) (local $z f64) (local $p f64)
    (local.set $k (f64.floor (local.get $y)))
    (local.set $z (f64.mul (f64.sub (local.get $y) (local.get $k)) (f64.const 0.6931471805599453)))
    (local.set $p (f64.const 0.0000248015873015873))
    (local.set $p (f64.add (f64.const 0.0001984126984126984) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 0.001388888888888889) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 0.008333333333333333) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 0.041666666666666664) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 0.16666666666666666) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 0.5) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (local.get $z) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (local.get $z) (local.get $p))))
    (f64.reinterpret_i64 (i64.add (i64.reinterpret_f64 (local.get $p)) (i64.shl (i64.trunc_f64_s (local.get $k)) (i64.const 52)))))

  (func $clip (param $v f64) (result f64)
    (f64.max (f64.const -4) (f64.min (f64.const 4) (local.get $v))))

  (func (export "epoch")
    (param $y i32) (param $per i32) (param $next i32) (param $perneg i32) (param $nextneg i32)
    (param $head i32) (param $tail i32) (param $edges i32) (param $n i32) (param $d i32)
    (param $ep f64) (param $alpha f64) (param $a f64) (param $b f64) (param $gamma f64)
    (local $e i32) (local $j i32) (local $t i32) (local $k i32) (local $c i32) (local $row i32)
    (local $o8 i32) (local $dist2 f64) (local $diff f64) (local $coef f64) (local $pb f64)
    (local $g f64) (local $neg i32) (local $p i32)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (local.set $e (i32.const 0))
    (block $done
      (loop $edge
        (br_if $done (i32.ge_u (local.get $e) (local.get $edges)))
        (local.set $o8 (i32.shl (local.get $e) (i32.const 3)))
        (if (f64.le (f64.load (i32.add (local.get $next) (local.get $o8))) (local.get $ep))
          (then
            (local.set $j (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $head) (i32.shl (local.get $e) (i32.const 2)))) (local.get $row))))
            (local.set $t (i32.add (local.get $y) (i32.mul (i32.load (i32.add (local.get $tail) (i32.shl (local.get $e) (i32.const 2)))) (local.get $row))))
            ;; attraction
            (local.set $dist2 (f64.const 0))
            (local.set $c (i32.const 0))
            (loop $d1
              (local.set $diff (f64.sub (f64.load (i32.add (local.get $j) (local.get $c))) (f64.load (i32.add (local.get $t) (local.get $c)))))
              (local.set $dist2 (f64.add (local.get $dist2) (f64.mul (local.get $diff) (local.get $diff))))
              (local.set $c (i32.add (local.get $c) (i32.const 8)))
              (br_if $d1 (i32.lt_u (local.get $c) (local.get $row))))
            (if (f64.gt (local.get $dist2) (f64.const 0))
              (then
                (local.set $pb (call $exp2 (f64.mul (local.get $b) (call $log2 (local.get $dist2)))))
                (local.set $coef (f64.div
                  (f64.mul (f64.mul (f64.const -2) (f64.mul (local.get $a) (local.get $b))) (f64.div (local.get $pb) (local.get $dist2)))
                  (f64.add (f64.mul (local.get $a) (local.get $pb)) (f64.const 1))))
                (local.set $c (i32.const 0))
                (loop $d2
                  (local.set $g (f64.mul (local.get $alpha) (call $clip (f64.mul (local.get $coef)
                    (f64.sub (f64.load (i32.add (local.get $j) (local.get $c))) (f64.load (i32.add (local.get $t) (local.get $c))))))))
                  (f64.store (i32.add (local.get $j) (local.get $c)) (f64.add (f64.load (i32.add (local.get $j) (local.get $c))) (local.get $g)))
                  (f64.store (i32.add (local.get $t) (local.get $c)) (f64.sub (f64.load (i32.add (local.get $t) (local.get $c))) (local.get $g)))
                  (local.set $c (i32.add (local.get $c) (i32.const 8)))
                  (br_if $d2 (i32.lt_u (local.get $c) (local.get $row))))))
            (f64.store (i32.add (local.get $next) (local.get $o8))
              (f64.add (f64.load (i32.add (local.get $next) (local.get $o8))) (f64.load (i32.add (local.get $per) (local.get $o8)))))
            ;; negative samples: floor((ep − nextneg) / perneg) of them
            (local.set $neg (i32.trunc_f64_s (f64.max (f64.const -1) (f64.min (f64.const 1000000) (f64.floor (f64.div
              (f64.sub (local.get $ep) (f64.load (i32.add (local.get $nextneg) (local.get $o8))))
              (f64.load (i32.add (local.get $perneg) (local.get $o8)))))))))
            (local.set $p (i32.const 0))
            (block $negdone
              (loop $negloop
                (br_if $negdone (i32.ge_s (local.get $p) (local.get $neg)))
                (local.set $k (i32.add (local.get $y) (i32.mul (call $rand (local.get $n)) (local.get $row))))
                (local.set $dist2 (f64.const 0))
                (local.set $c (i32.const 0))
                (loop $d3
                  (local.set $diff (f64.sub (f64.load (i32.add (local.get $j) (local.get $c))) (f64.load (i32.add (local.get $k) (local.get $c)))))
                  (local.set $dist2 (f64.add (local.get $dist2) (f64.mul (local.get $diff) (local.get $diff))))
                  (local.set $c (i32.add (local.get $c) (i32.const 8)))
                  (br_if $d3 (i32.lt_u (local.get $c) (local.get $row))))
                (if (f64.gt (local.get $dist2) (f64.const 0))
                  (then
                    (local.set $coef (f64.div (f64.mul (f64.const 2) (f64.mul (local.get $gamma) (local.get $b)))
                      (f64.mul (f64.add (f64.const 0.001) (local.get $dist2))
                        (f64.add (f64.mul (local.get $a) (call $exp2 (f64.mul (local.get $b) (call $log2 (local.get $dist2))))) (f64.const 1)))))
                    (local.set $c (i32.const 0))
                    (loop $d4
                      (f64.store (i32.add (local.get $j) (local.get $c))
                        (f64.add (f64.load (i32.add (local.get $j) (local.get $c)))
                          (f64.mul (local.get $alpha) (call $clip (f64.mul (local.get $coef)
                            (f64.sub (f64.load (i32.add (local.get $j) (local.get $c))) (f64.load (i32.add (local.get $k) (local.get $c)))))))))
                      (local.set $c (i32.add (local.get $c) (i32.const 8)))
                      (br_if $d4 (i32.lt_u (local.get $c) (local.get $row))))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $negloop)))
            (if (i32.gt_s (local.get $neg) (i32.const 0))
              (then
                (f64.store (i32.add (local.get $nextneg) (local.get $o8))
                  (f64.add (f64.load (i32.add (local.get $nextneg) (local.get $o8)))
                    (f64.mul (f64.convert_i32_s (local.get $neg)) (f64.load (i32.add (local.get $perneg) (local.get $o8))))))))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $edge))))
)
