import { useCallback, useState } from 'react';

const KEY = 'ssehub.board.author';

function load(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

/** The name messages are signed with, remembered in localStorage. */
export function useAuthor(): [string, (name: string) => void] {
  const [author, setAuthor] = useState(load);
  const update = useCallback((name: string) => {
    setAuthor(name);
    try {
      localStorage.setItem(KEY, name);
    } catch {
      // private mode: keep it for this page only
    }
  }, []);
  return [author, update];
}
