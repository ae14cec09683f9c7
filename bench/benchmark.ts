// placeholder until the benchmark lands
export {};
