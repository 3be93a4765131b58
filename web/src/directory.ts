/**
 * Directory lists (departments, areas, villages, cadres), fetched once per
 * session and shared, so screens show names instead of codes.
 */
import { useEffect, useState } from 'react';
import { api } from './api';
import type { Area, Cadre, Department, ServicePoint, Village } from './types';

export interface Directory {
  departments: Department[];
  areas: Area[];
  villages: Village[];
  cadres: Cadre[];
  servicePoints: ServicePoint[];
  department(code: string | null | undefined): string;
  area(code: string | null | undefined): string;
  village(code: string | null | undefined): string;
  cadre(code: string | null | undefined): string;
  servicePoint(code: string | null | undefined): string;
}

let cached: Promise<Directory> | null = null;
let resolved: Directory | null = null;

export function clearDirectoryCache(): void {
  cached = null;
  resolved = null;
}

const namer = <T extends { code: string; name: string }>(items: T[]) => {
  const map = new Map(items.map((i) => [i.code, i.name]));
  return (code: string | null | undefined) => (code ? (map.get(code) ?? code) : '');
};

async function fetchList<T>(path: string): Promise<T[]> {
  try {
    return (await api<{ items: T[] }>(path)).items;
  } catch {
    return []; // names fall back to codes
  }
}

function load(): Promise<Directory> {
  if (!cached) {
    cached = Promise.all([
      fetchList<Department>('/directory/departments'),
      fetchList<Area>('/directory/areas'),
      fetchList<Village>('/directory/villages'),
      fetchList<Cadre>('/directory/cadres'),
      fetchList<ServicePoint>('/directory/service-points'),
    ]).then(([departments, areas, villages, cadres, servicePoints]) => {
      const d: Directory = {
        departments, areas, villages, cadres, servicePoints,
        servicePoint: namer(servicePoints),
        department: namer(departments),
        area: namer(areas),
        village: namer(villages),
        cadre: namer(cadres),
      };
      if (departments.length + villages.length + cadres.length === 0) cached = null; // retry next time
      resolved = d;
      return d;
    });
  }
  return cached;
}

const empty: Directory = {
  departments: [], areas: [], villages: [], cadres: [], servicePoints: [],
  department: (c) => c ?? '', area: (c) => c ?? '', village: (c) => c ?? '', cadre: (c) => c ?? '', servicePoint: (c) => c ?? '',
};

export function useDirectory(): Directory {
  const [dir, setDir] = useState<Directory>(resolved ?? empty);
  useEffect(() => {
    let live = true;
    void load().then((d) => live && setDir(d));
    return () => {
      live = false;
    };
  }, []);
  return dir;
}
