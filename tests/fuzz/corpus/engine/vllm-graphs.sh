vllm serve meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 4 --max-num-seqs 512 --max-cudagraph-capture-size 1024 --async-scheduling
