/*
** cxx_members_o2.cpp: cxx_members.cpp built at -O2 (the _o2 suffix), where
** the C++ library's lock wrappers are inline frames of put() and evict(),
** themselves inlined into the lambdas that std::thread runs: the same names,
** no name of the library's anywhere in the report, and the lambda's inline
** frame named in full from DWARF, which gives it no linkage name.
*/
// EXPECT: circular
// CHECK: lock(acq:Cache::put@cxx_members.cpp:
// CHECK: possible deadlock in Cache::evict (acq:Cache::put@cxx_members.cpp:
// CHECK: , at: Cache::evict
// CHECK: , at: main::{lambda}::operator() 
// CHECK-NOT: std::
// CHECK-NOT: __gthread
// CHECK-NOT: gthr-default.h
// CHECK-NOT: #2);
#include "cxx_members.cpp"
