import { useSyncExternalStore } from 'react';

/**
 * Whether the API can be reached: the browser's own online flag, corrected by what the
 * last request saw (a failed fetch means offline even when navigator.onLine says yes;
 * a 503 means the service is down though the network is up).
 */
export interface Connectivity {
  online: boolean;
  serviceDown: boolean;
}

let state: Connectivity = { online: typeof navigator === 'undefined' ? true : navigator.onLine, serviceDown: false };
const listeners = new Set<() => void>();

function set(next: Partial<Connectivity>): void {
  const merged = { ...state, ...next };
  if (merged.online === state.online && merged.serviceDown === state.serviceDown) return;
  state = merged;
  listeners.forEach((l) => l());
}

export const connectivity = {
  get: (): Connectivity => state,
  requestFailed: () => set({ online: false }),
  responded: (status: number) => set({ online: true, serviceDown: status === 503 }),
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => set({ online: true }));
  window.addEventListener('offline', () => set({ online: false }));
}

export function useConnectivity(): Connectivity {
  return useSyncExternalStore(connectivity.subscribe, connectivity.get, connectivity.get);
}
