# vLLM for deepseek-r1 on 8 x h200, DP1_TP8_PP1_EP8
vllm serve deepseek-ai/DeepSeek-R1 \
  --tensor-parallel-size 8 \
  --enable-expert-parallel \
  --quantization fp8 \
  --gpu-memory-utilization 0.9 \
  --max-num-seqs 1024 \
  --max-num-batched-tokens 8192 \
  --max-model-len 2304 \
  --async-scheduling
