#version 450
// The build's probe for GL_NV_cooperative_matrix (shaders/meson.build): the
// types and the one call the product kernel needs, fp16 × fp16 + fp32.
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(local_size_x = 32) in;
void main() { fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> c = coopMatMulAddNV(fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>(0.0), fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>(0.0), fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0)); }
