// Cooperative matrices as a thin layer of macros, so one kernel source
// compiles for either extension: the build defines COOPMAT_NV
// (GL_NV_cooperative_matrix, glslang 7.11+) or COOPMAT_KHR
// (GL_KHR_cooperative_matrix, glslang 13+) when its probe shader compiled
// (shaders/meson.build). Only what the product kernels use is here: fp16
// operands, fp32 accumulators, subgroup scope, row-major loads and stores
// of arrays of the matrix's own component type (element and stride count
// those components).
#ifndef COOPMAT_GLSL
#define COOPMAT_GLSL

#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

#if defined(COOPMAT_NV)
#extension GL_NV_cooperative_matrix : require
#define CM_A(rows, cols) fcoopmatNV<16, gl_ScopeSubgroup, rows, cols>
#define CM_B(rows, cols) fcoopmatNV<16, gl_ScopeSubgroup, rows, cols>
#define CM_ACC(rows, cols) fcoopmatNV<32, gl_ScopeSubgroup, rows, cols>
#define CM_LOAD(mat, array, element, stride) coopMatLoadNV(mat, array, element, stride, false)
#define CM_STORE(mat, array, element, stride) coopMatStoreNV(mat, array, element, stride, false)
#define CM_MUL_ADD(a, b, c) coopMatMulAddNV(a, b, c)
#elif defined(COOPMAT_KHR)
#extension GL_KHR_cooperative_matrix : require
#define CM_A(rows, cols) coopmat<float16_t, gl_ScopeSubgroup, rows, cols, gl_MatrixUseA>
#define CM_B(rows, cols) coopmat<float16_t, gl_ScopeSubgroup, rows, cols, gl_MatrixUseB>
#define CM_ACC(rows, cols) coopmat<float, gl_ScopeSubgroup, rows, cols, gl_MatrixUseAccumulator>
#define CM_LOAD(mat, array, element, stride) \
    coopMatLoad(mat, array, element, stride, gl_CooperativeMatrixLayoutRowMajor)
#define CM_STORE(mat, array, element, stride) \
    coopMatStore(mat, array, element, stride, gl_CooperativeMatrixLayoutRowMajor)
#define CM_MUL_ADD(a, b, c) coopMatMulAdd(a, b, c)
#else
#error "define COOPMAT_NV or COOPMAT_KHR"
#endif

#endif
