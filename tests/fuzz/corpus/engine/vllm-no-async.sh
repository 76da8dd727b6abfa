vllm serve Qwen/Qwen3-32B -tp 2 --no-async-scheduling --async-scheduling=false --max-num-batched-tokens 2048
