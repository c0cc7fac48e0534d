// What a benchmark ran on, printed with its figures: CPU model, whether it has SHA extensions, cores and load.
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

export function machine(): { model: string; sha: string; cores: number; load: string; line: string } {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^(?:flags|Features)\s*:\s*(.*)$/m)?.[1] ?? '';
  } catch {
    flags = '';
  }
  const has = (f: string) => new RegExp(`(^| )${f}( |$)`).test(flags);
  // x86: sha_ni; ARMv8: sha2 among the Features.
  const sha = !flags ? 'unknown (no /proc/cpuinfo)' : has('sha_ni') || has('sha2') ? 'yes' : 'no';
  const extra = ['aes', 'vaes', 'avx512f', 'pmull'].filter(has).join(' ');
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return { model, sha, cores: cpus().length, load, line: `CPU ${model}, ${cpus().length} cores, SHA extensions: ${sha}${extra ? ` (also ${extra})` : ''}; load average ${load}` };
}
