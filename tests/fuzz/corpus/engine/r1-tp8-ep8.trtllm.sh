# TensorRT-LLM for deepseek-r1 on 8 x h200, DP1_TP8_PP1_EP8
# note: TensorRT-LLM takes the weight format (fp8) from the checkpoint: serve a checkpoint quantized so
cat > extra-llm-api-config.yml <<'EOF'
enable_attention_dp: false
kv_cache_config:
  dtype: auto
EOF
trtllm-serve deepseek-ai/DeepSeek-R1 \
  --backend pytorch \
  --tp_size 8 \
  --ep_size 8 \
  --max_batch_size 2048 \
  --max_num_tokens 8192 \
  --max_seq_len 2304 \
  --kv_cache_free_gpu_memory_fraction 0.9 \
  --extra_llm_api_options extra-llm-api-config.yml
