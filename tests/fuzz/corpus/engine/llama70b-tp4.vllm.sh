# vLLM for llama-3.1-70b on 4 x h200, DP1_TP4_PP1_EP1
vllm serve meta-llama/Llama-3.1-70B-Instruct \
  --tensor-parallel-size 4 \
  --gpu-memory-utilization 0.9 \
  --max-num-seqs 1024 \
  --max-num-batched-tokens 8192 \
  --max-model-len 2304 \
  --async-scheduling
