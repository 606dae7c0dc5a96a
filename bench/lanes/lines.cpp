// lines.cpp: an Oclgrind plugin (Oclgrind 21.10's plugin interface, core/Plugin.h) that profiles a
// kernel by source line: for each launch it prints, per line of the program's source, the LLVM
// instructions work-item 0 of each work-group executed (in the warp and group mappings work-item 0
// runs the sequential parts, so it is every warp's busiest lane of the default map), the mean over
// all work-items, and work-item 0's global and local memory accesses. It finds where the counts of
// bench/inst-counts.sh (bench/lanes/lanes.cpp) go. The kernels need line tables:
//   g++ -std=c++17 -O2 -fno-rtti -shared -fPIC -I"$OCLGRIND_SRC/src" -I/usr/lib/llvm-14/include -o liblines.so \
//     bench/lanes/lines.cpp /usr/lib/x86_64-linux-gnu/liboclgrind-21.10.so   (the LLVM that liboclgrind links: ldd)
//   OCLGRIND_PLUGINS=$PWD/liblines.so OCLGRIND_BUILD_OPTIONS=-debug-info-kind=line-tables-only \
//     OCL_ICD_VENDORS=<dir with an .icd naming liboclgrind-rt-icd.so> java ... InstCountRun default warp 1 32 2 1
// Output (stderr), one block per launch: "lines: launch K", then "line N insts0 mean global0 local0"; the
// line numbers are those of KernelSource.build's program (generated header first, then kernels/ in order).
#include "core/Context.h"
#include "core/Memory.h"
#include "core/Plugin.h"
#include "core/WorkGroup.h"
#include "core/WorkItem.h"
#include "llvm/IR/DebugLoc.h"
#include "llvm/IR/Instruction.h"

#include <cstdio>
#include <map>
#include <unordered_map>

using namespace oclgrind;

namespace {
struct Line {
  unsigned long long insts0 = 0, insts = 0, global0 = 0, local0 = 0;
};

class Lines : public Plugin {
public:
  explicit Lines(const Context* c) : Plugin(c) {}

  void kernelBegin(const KernelInvocation*) override {
    lines.clear();
    last.clear();
    items.clear();
  }

  void instructionExecuted(const WorkItem* w, const llvm::Instruction* i, const TypedValue&) override {
    Line& l = lines[line(i)];
    l.insts++;
    items[w] = true;
    if (w->getLocalID().x == 0) l.insts0++;
    last[w] = i;
  }

  void memoryLoad(const Memory* m, const WorkItem* w, size_t, size_t) override { access(m, w); }
  void memoryStore(const Memory* m, const WorkItem* w, size_t, size_t, const uint8_t*) override { access(m, w); }
  void memoryAtomicLoad(const Memory* m, const WorkItem* w, AtomicOp, size_t, size_t) override { access(m, w); }
  void memoryAtomicStore(const Memory* m, const WorkItem* w, AtomicOp, size_t, size_t) override { access(m, w); }

  void kernelEnd(const KernelInvocation*) override {
    std::fprintf(stderr, "lines: launch %d\n", ++launch);
    double n = items.empty() ? 1.0 : (double) items.size();
    for (auto& kv : lines)
      std::fprintf(stderr, "line %u %llu %.1f %llu %llu\n", kv.first, kv.second.insts0, kv.second.insts / n, kv.second.global0, kv.second.local0);
    std::fflush(stderr);
  }

  bool isThreadSafe() const override { return false; }

private:
  std::map<unsigned, Line> lines;
  std::unordered_map<const WorkItem*, const llvm::Instruction*> last;
  std::unordered_map<const WorkItem*, bool> items;
  int launch = 0;

  static unsigned line(const llvm::Instruction* i) {
    const llvm::DebugLoc& d = i->getDebugLoc();
    return d ? d.getLine() : 0;
  }

  // an access belongs to the line of the work-item's last instruction (the load or store itself)
  void access(const Memory* m, const WorkItem* w) {
    if (w == nullptr || w->getLocalID().x != 0) return;
    auto it = last.find(w);
    unsigned l = it == last.end() ? 0 : line(it->second);
    if (m->getAddressSpace() == AddrSpaceGlobal) lines[l].global0++;
    else if (m->getAddressSpace() == AddrSpaceLocal) lines[l].local0++;
  }
};

Lines* instance = nullptr;
} // namespace

extern "C" void initializePlugins(Context* c) {
  instance = new Lines(c);
  c->registerPlugin(instance);
}

extern "C" void releasePlugins(Context* c) {
  c->unregisterPlugin(instance);
  delete instance;
}
