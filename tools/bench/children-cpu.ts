/**
 * The CPU seconds of this process's children that have ended and been waited for, with their
 * own waited-for descendants: the `cutime` and `cstime` of /proc/self/stat (proc(5)), in clock
 * ticks of USER_HZ, 100 on Linux. Undefined where there is no /proc (not Linux). npm test reads it
 * as each part ends, and the bench around npm test: on a shared machine the wall clock counts the
 * neighbours too, the CPU time only what the run itself cost.
 * https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
 */
import * as fs from "fs";

const USER_HZ = 100;

export function childrenCpuSeconds(): number | undefined {
    let stat: string;
    try {
        stat = fs.readFileSync("/proc/self/stat", "utf8");
    } catch {
        return undefined;
    }
    // The command name (field 2) is in parentheses and may hold spaces: the fields after it start at 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [cutime, cstime] = [fields[16 - 3], fields[17 - 3]].map(Number);
    return (cutime + cstime) / USER_HZ;
}
