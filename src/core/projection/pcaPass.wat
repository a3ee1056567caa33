;; One pass of PCA's subspace iteration over a block of rows, fused, in WebAssembly SIMD
;; (f32x4): for each row x, y = x·M − shift (the row's coordinates on the l directions, the mean
;; taken off through `shift` = μ·M), then Zᵀ += y ⊗ x (so that Zᵀ = Yᵀ X over the rows). One read
;; of each row does both products (tfjs did them as two matMuls, each copying the block into its
;; heap). Directions are taken four at a time so that each load of x serves four of them.
;;
;; Memory (byte offsets, the caller's): x rows × d4 f32 (d4: the dimension padded with zeros to
;; a multiple of 4), mt l4 × d4 f32 (Mᵀ, l4 a multiple of 4, extra directions zero), shift l4 f32,
;; y rows × l4 f32 out, zt l4 × d4 f32 accumulated (the caller zeroes it). `withZ` 0 computes y only.
(module
  (import "env" "memory" (memory 1))

  (func (export "pass")
    (param $x i32) (param $rows i32) (param $d4 i32) (param $mt i32) (param $l4 i32)
    (param $shift i32) (param $y i32) (param $zt i32) (param $withZ i32)
    (local $r i32) (local $row i32) (local $g i32) (local $k i32) (local $rowBytes i32)
    (local $m0 i32) (local $m1 i32) (local $m2 i32) (local $m3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local $yout i32)
    (local.set $rowBytes (i32.shl (local.get $d4) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $yout (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $l4)) (i32.const 2))))
        (local.set $g (i32.const 0))
        (block $groupsDone
          (loop $eachGroup
            (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $l4)))
            (local.set $m0 (i32.add (local.get $mt) (i32.mul (local.get $g) (local.get $rowBytes))))
            (local.set $m1 (i32.add (local.get $m0) (local.get $rowBytes)))
            (local.set $m2 (i32.add (local.get $m1) (local.get $rowBytes)))
            (local.set $m3 (i32.add (local.get $m2) (local.get $rowBytes)))
            ;; four dot products x · m_j
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (local.set $a1 (v128.const f32x4 0 0 0 0))
            (local.set $a2 (v128.const f32x4 0 0 0 0))
            (local.set $a3 (v128.const f32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (loop $dot
              (local.set $xv (v128.load (i32.add (local.get $row) (local.get $k))))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $m0) (local.get $k))))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $m1) (local.get $k))))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $m2) (local.get $k))))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $m3) (local.get $k))))))
              (local.set $k (i32.add (local.get $k) (i32.const 16)))
              (br_if $dot (i32.lt_u (local.get $k) (local.get $rowBytes))))
            ;; horizontal sums, minus the shift
            (local.set $s0 (f32.sub (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))) (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0))))
              (f32.load (i32.add (local.get $shift) (i32.shl (local.get $g) (i32.const 2))))))
            (local.set $s1 (f32.sub (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1))) (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1))))
              (f32.load offset=4 (i32.add (local.get $shift) (i32.shl (local.get $g) (i32.const 2))))))
            (local.set $s2 (f32.sub (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2))) (f32.add (f32x4.extract_lane 2 (local.get $a2)) (f32x4.extract_lane 3 (local.get $a2))))
              (f32.load offset=8 (i32.add (local.get $shift) (i32.shl (local.get $g) (i32.const 2))))))
            (local.set $s3 (f32.sub (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3))) (f32.add (f32x4.extract_lane 2 (local.get $a3)) (f32x4.extract_lane 3 (local.get $a3))))
              (f32.load offset=12 (i32.add (local.get $shift) (i32.shl (local.get $g) (i32.const 2))))))
            (f32.store (i32.add (local.get $yout) (i32.shl (local.get $g) (i32.const 2))) (local.get $s0))
            (f32.store offset=4 (i32.add (local.get $yout) (i32.shl (local.get $g) (i32.const 2))) (local.get $s1))
            (f32.store offset=8 (i32.add (local.get $yout) (i32.shl (local.get $g) (i32.const 2))) (local.get $s2))
            (f32.store offset=12 (i32.add (local.get $yout) (i32.shl (local.get $g) (i32.const 2))) (local.get $s3))
            ;; Zᵀ rows of this group += y_j · x
            (if (local.get $withZ)
              (then
                (local.set $y0 (f32x4.splat (local.get $s0)))
                (local.set $y1 (f32x4.splat (local.get $s1)))
                (local.set $y2 (f32x4.splat (local.get $s2)))
                (local.set $y3 (f32x4.splat (local.get $s3)))
                (local.set $m0 (i32.add (local.get $zt) (i32.mul (local.get $g) (local.get $rowBytes))))
                (local.set $m1 (i32.add (local.get $m0) (local.get $rowBytes)))
                (local.set $m2 (i32.add (local.get $m1) (local.get $rowBytes)))
                (local.set $m3 (i32.add (local.get $m2) (local.get $rowBytes)))
                (local.set $k (i32.const 0))
                (loop $axpy
                  (local.set $xv (v128.load (i32.add (local.get $row) (local.get $k))))
                  (v128.store (i32.add (local.get $m0) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $m0) (local.get $k))) (f32x4.mul (local.get $y0) (local.get $xv))))
                  (v128.store (i32.add (local.get $m1) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $m1) (local.get $k))) (f32x4.mul (local.get $y1) (local.get $xv))))
                  (v128.store (i32.add (local.get $m2) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $m2) (local.get $k))) (f32x4.mul (local.get $y2) (local.get $xv))))
                  (v128.store (i32.add (local.get $m3) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $m3) (local.get $k))) (f32x4.mul (local.get $y3) (local.get $xv))))
                  (local.set $k (i32.add (local.get $k) (i32.const 16)))
                  (br_if $axpy (i32.lt_u (local.get $k) (local.get $rowBytes))))))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br $eachGroup)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $eachRow))))
)
