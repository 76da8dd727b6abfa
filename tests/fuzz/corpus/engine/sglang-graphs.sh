python3 -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp-size 2 --cuda-graph-max-bs 384 --mem-fraction-static 0.85
