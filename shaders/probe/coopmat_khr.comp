#version 450
// The build's probe for GL_KHR_cooperative_matrix (shaders/meson.build): the
// types and the one call the product kernel needs, fp16 × fp16 + fp32.
#extension GL_KHR_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(local_size_x = 32) in;
void main() { coopmat<float, gl_ScopeSubgroup, 16, 16, gl_MatrixUseAccumulator> c = coopMatMulAdd(coopmat<float16_t, gl_ScopeSubgroup, 16, 16, gl_MatrixUseA>(0.0), coopmat<float16_t, gl_ScopeSubgroup, 16, 16, gl_MatrixUseB>(0.0), coopmat<float, gl_ScopeSubgroup, 16, 16, gl_MatrixUseAccumulator>(0.0)); }
