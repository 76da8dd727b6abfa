python3 -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp 2 --disable-overlap-schedule --enable-mixed-chunk --chunked-prefill-size 4096
