// The "hash" jest project: the release core with the 2002 hash index as every kernel's
// default (createKernel's `index`), for the conformance suites (jest.config.cjs).
process.env.EPOLL_WASM_CORE = "release";
process.env.EPOLL_WASM_INDEX = "hash";
