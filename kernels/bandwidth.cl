/* Memory bandwidth probe for the scaling study's roofline: b[i] = a[i], 16 bytes per work-item. */
__kernel void copy16(__global const uint4* a, __global uint4* b) {
  size_t i = get_global_id(0);
  b[i] = a[i];
}
