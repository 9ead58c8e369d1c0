// @ts-nocheck
import { cpus, release, totalmem } from 'node:os';
import { nginxVersion } from '../peers/nchan.js';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  nginx: string | undefined;
  fdLimitNote: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: release(),
    nginx: nginxVersion(),
    fdLimitNote: 'each process at most 20,000 open files',
  };
}
