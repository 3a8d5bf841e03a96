process.env.EPOLL_WASM_CORE = "release";
