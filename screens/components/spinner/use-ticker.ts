// A render every `ms` while active: spinners turn and elapsed times count up. Time itself comes from the
// controller's clock, so tests decide what "now" is.
import { useEffect, useState } from 'react';

export const useTicker = (ms: number, active: boolean): number => {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      setTick((t) => t + 1);
    }, ms);
    return () => {
      clearInterval(timer);
    };
  }, [ms, active]);
  return tick;
};
