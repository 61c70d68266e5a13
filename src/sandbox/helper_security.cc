// Privilege removal for the instance process: an unprivileged uid, no capabilities in any set,
// no_new_privs, and a seccomp filter that refuses the system calls that could undo the sandbox or
// reach the kernel's riskier interfaces.

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/helper_steps.h"

namespace kumo::sandbox::helper {
namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNoGroup = 65534;

// Refused with EPERM. Unknown names (other architectures, older headers) are skipped.
constexpr const char* kDeniedSyscalls[] = {"mount",
                                           "umount2",
                                           "umount",
                                           "pivot_root",
                                           "chroot",
                                           "swapon",
                                           "swapoff",
                                           "reboot",
                                           "kexec_load",
                                           "kexec_file_load",
                                           "init_module",
                                           "finit_module",
                                           "delete_module",
                                           "bpf",
                                           "perf_event_open",
                                           "ptrace",
                                           "process_vm_readv",
                                           "process_vm_writev",
                                           "keyctl",
                                           "add_key",
                                           "request_key",
                                           "setns",
                                           "unshare",
                                           "open_by_handle_at",
                                           "name_to_handle_at",
                                           "userfaultfd",
                                           "acct",
                                           "settimeofday",
                                           "clock_settime",
                                           "clock_adjtime",
                                           "adjtimex",
                                           "iopl",
                                           "ioperm",
                                           "fsopen",
                                           "fsmount",
                                           "fsconfig",
                                           "move_mount",
                                           "open_tree",
                                           "mount_setattr",
                                           "quotactl",
                                           "lookup_dcookie",
                                           "vhangup",
                                           "nfsservctl",
                                           "uselib"};

// New namespaces from clone(2) would undo what denying unshare achieves (an unprivileged user
// namespace, for one).
constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWNS,    CLONE_NEWUTS, CLONE_NEWIPC,
                                             CLONE_NEWUSER,  CLONE_NEWPID, CLONE_NEWNET,
                                             CLONE_NEWCGROUP};

std::string ClearCapabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capset, &header, data) != 0) return ErrnoText("capset");
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return ErrnoText("clear ambient capabilities");
  }
  return "";
}

}  // namespace

std::string DropPrivileges() {
  if (::geteuid() == 0) {
    // The bounding set can only shrink while we still hold CAP_SETPCAP, so it goes first.
    for (int cap = 0; cap <= 63; ++cap) {
      if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
        return ErrnoText("drop bounding capability " + std::to_string(cap));
      }
    }
    if (::setgroups(0, nullptr) != 0) return ErrnoText("setgroups");
    if (::setresgid(kNoGroup, kNoGroup, kNoGroup) != 0) return ErrnoText("setresgid");
    if (::setresuid(kNobody, kNobody, kNobody) != 0) return ErrnoText("setresuid");
  }
  // Leaving uid 0 empties the permitted and effective sets but not the inheritable one.
  return ClearCapabilities();
}

std::string LoadSeccompFilter() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return ErrnoText("set no_new_privs");
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return "seccomp_init failed";
  int rc = 0;
  for (const char* name : kDeniedSyscalls) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    if (rc != 0) break;
  }
  for (unsigned long flag : kNamespaceFlags) {
    if (rc != 0) break;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
  }
  // clone3 passes its flags in memory, out of the filter's reach; ENOSYS makes libc fall back to
  // clone, which the rules above check.
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc == 0) rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) {
    errno = -rc;
    return ErrnoText("seccomp filter");
  }
  return "";
}

}  // namespace kumo::sandbox::helper
