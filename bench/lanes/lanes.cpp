// lanes.cpp: an Oclgrind plugin (Oclgrind 21.10's plugin interface, core/Plugin.h) that counts, for
// each kernel launch, what a SIMT GPU would issue: the LLVM instructions each work-item executed
// (Oclgrind's interpreter runs the program's LLVM IR), grouped into warps of 32 consecutive
// work-items of a work-group. A warp issues at least as many instructions as its busiest lane (its
// lanes in lockstep, reconverging after branches), so sum over warps of that lane's count is the
// warp-instruction count the performance model uses (AccessModel / PerfModel); the sum over lanes
// divided by it is the mean number of active lanes. It also counts the work-group barriers each
// work-group reached and the global and local memory accesses (loads, stores, atomics), in all lanes
// and in each warp's busiest lane.
// Build and run: bench/inst-counts.sh (which compiles this against Oclgrind's headers).
#include "core/Context.h"
#include "core/Memory.h"
#include "core/Plugin.h"
#include "core/WorkGroup.h"
#include "core/WorkItem.h"

#include <cstdio>
#include <mutex>
#include <unordered_map>

using namespace oclgrind;

namespace {
struct Lane {
  unsigned long long insts = 0, global = 0, local = 0;
};

class Lanes : public Plugin {
public:
  explicit Lanes(const Context* c) : Plugin(c) {}

  void kernelBegin(const KernelInvocation*) override {
    lanes.clear();
    barriers.clear();
  }

  void instructionExecuted(const WorkItem* w, const llvm::Instruction*, const TypedValue&) override { lane(w).insts++; }

  void memoryLoad(const Memory* m, const WorkItem* w, size_t, size_t) override { access(m, w); }
  void memoryStore(const Memory* m, const WorkItem* w, size_t, size_t, const uint8_t*) override { access(m, w); }
  void memoryAtomicLoad(const Memory* m, const WorkItem* w, AtomicOp, size_t, size_t) override { access(m, w); }
  void memoryAtomicStore(const Memory* m, const WorkItem* w, AtomicOp, size_t, size_t) override { access(m, w); }

  void workGroupBarrier(const WorkGroup* g, uint32_t) override { barriers[g->getGroupIndex()]++; }

  void kernelEnd(const KernelInvocation*) override {
    // warps: key (group, local id / 32)
    std::unordered_map<unsigned long long, Lane> busiest;
    Lane sum;
    for (auto& kv : lanes) {
      unsigned long long warp = kv.first >> 5;
      Lane& b = busiest[warp];
      const Lane& l = kv.second;
      if (l.insts > b.insts) b.insts = l.insts;
      if (l.global > b.global) b.global = l.global;
      if (l.local > b.local) b.local = l.local;
      sum.insts += l.insts;
      sum.global += l.global;
      sum.local += l.local;
    }
    Lane warps;
    for (auto& kv : busiest) {
      warps.insts += kv.second.insts;
      warps.global += kv.second.global;
      warps.local += kv.second.local;
    }
    unsigned long long bar = 0;
    for (auto& kv : barriers) bar += kv.second;
    std::fprintf(stderr, "lanes: work-items %zu warps %zu groups %zu lane-insts %llu warp-insts %llu barriers %llu"
        " lane-global %llu warp-global %llu lane-local %llu warp-local %llu\n", lanes.size(), busiest.size(),
        barriers.size(), sum.insts, warps.insts, bar, sum.global, warps.global, sum.local, warps.local);
    std::fflush(stderr);
  }

  bool isThreadSafe() const override { return false; }

private:
  std::unordered_map<unsigned long long, Lane> lanes;
  std::unordered_map<size_t, unsigned long long> barriers;

  Lane& lane(const WorkItem* w) {
    unsigned long long key = ((unsigned long long) w->getWorkGroup()->getGroupIndex() << 20) | w->getLocalID().x;
    return lanes[key];
  }

  void access(const Memory* m, const WorkItem* w) {
    if (w == nullptr) return;
    if (m->getAddressSpace() == AddrSpaceGlobal) lane(w).global++;
    else if (m->getAddressSpace() == AddrSpaceLocal) lane(w).local++;
  }
};

Lanes* instance = nullptr;
} // namespace

extern "C" void initializePlugins(Context* c) {
  instance = new Lanes(c);
  c->registerPlugin(instance);
}

extern "C" void releasePlugins(Context* c) {
  c->unregisterPlugin(instance);
  delete instance;
}
