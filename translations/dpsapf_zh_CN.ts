<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>Load a dataset on the Data page: N, δ and the sampling rates depend on its size.</source>
        <translation>请先在“数据”页面加载数据集：N、δ 和采样率取决于其大小。</translation>
    </message>
    <message>
        <source>about %1 for probe and training on this computer (%2 threads; DP-LoRA speed, an upper bound for DP-SAPF), plus image generation</source>
        <translation>在本机上探针和训练约需 %1（%2 个线程；按 DP-LoRA 的速度估算，是 DP-SAPF 的上限），另加图像生成时间</translation>
    </message>
    <message>
        <source>peak %1 MB measured during the speed test (micro-batches of %2)</source>
        <translation>速度测试中测得的峰值为 %1 MB（微批次大小为 %2）</translation>
    </message>
    <message>
        <source>not measured yet: use “Measure this computer&apos;s speed”</source>
        <translation>尚未测量：请使用“测量本机速度”</translation>
    </message>
    <message>
        <source>Noisy release: σ_s = %1, q_s = %2, %3 records sampled, noise standard deviation %4 per score. Only these noisy scores are stored or shown.</source>
        <translation>加噪发布：σ_s = %1，q_s = %2，采样 %3 个样本，每个分数的噪声标准差为 %4。仅存储或显示这些加噪分数。</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Target ε</source>
        <translation>目标 ε</translation>
    </message>
    <message>
        <source>ε spent (PRV)</source>
        <translation>已消耗 ε（PRV）</translation>
    </message>
    <message>
        <source>ε spent (RDP bound)</source>
        <translation>已消耗 ε（RDP 上界）</translation>
    </message>
    <message>
        <source>δ</source>
        <translation>δ</translation>
    </message>
    <message>
        <source>Noise multiplier σ</source>
        <translation>噪声乘数 σ</translation>
    </message>
    <message>
        <source>Selected matrices</source>
        <translation>选中的矩阵</translation>
    </message>
    <message>
        <source>Trainable parameters</source>
        <translation>可训练参数</translation>
    </message>
    <message>
        <source>Steps done</source>
        <translation>已完成步数</translation>
    </message>
    <message>
        <source>Final training loss (not private)</source>
        <translation>最终训练损失（非隐私保护）</translation>
    </message>
    <message>
        <source>FID (sensitive data, not DP)</source>
        <translation>FID（敏感数据，非 DP）</translation>
    </message>
    <message>
        <source>Accuracy (sensitive data, not DP)</source>
        <translation>准确率（敏感数据，非 DP）</translation>
    </message>
    <message>
        <source>ε = %1 (PRV), %2 (RDP bound), δ = %3; %4</source>
        <translation>ε = %1（PRV），%2（RDP 上界），δ = %3；%4</translation>
    </message>
    <message>
        <source>Images of %1×%1 pixels; the UNet sees them as %2 channels of %3×%3.</source>
        <translation>图像为 %1×%1 像素；UNet 将其视为 %2 个 %3×%3 的通道。</translation>
    </message>
    <message>
        <source>Latent space: training images of %1×%1 RGB are encoded by the VAE and the classes are described by text prompts. %2 (%3), weights stored as %4.</source>
        <translation>潜空间：%1×%1 的 RGB 训练图像由 VAE 编码，各类别由文本提示描述。%2（%3），权重存储格式为 %4。</translation>
    </message>
    <message>
        <source>measure this computer&apos;s speed again: the stored measurement cannot be scaled to this model</source>
        <translation>请重新测量本机速度：已保存的测量结果无法换算到此模型</translation>
    </message>
    <message>
        <source>; scaled from the bundled model&apos;s speed by the compute per image (%1 vs %2 GMAC)</source>
        <translation>；按每张图像的计算量由内置模型的速度换算而来（%1 对 %2 GMAC）</translation>
    </message>
    <message>
        <source> with the bundled model; this model needs more</source>
        <translation>（使用内置模型测得）；此模型需要更多内存</translation>
    </message>
</context>
<context>
    <name>dpsapf::app::StudioController</name>
    <message>
        <source>1  Data</source>
        <translation>1  数据</translation>
    </message>
    <message>
        <source>2  Public model</source>
        <translation>2  公开模型</translation>
    </message>
    <message>
        <source>3  Privacy</source>
        <translation>3  隐私</translation>
    </message>
    <message>
        <source>4  Saliency</source>
        <translation>4  显著性</translation>
    </message>
    <message>
        <source>5  Train</source>
        <translation>5  训练</translation>
    </message>
    <message>
        <source>6  Gallery</source>
        <translation>6  图库</translation>
    </message>
    <message>
        <source>7  Compare</source>
        <translation>7  比较</translation>
    </message>
    <message>
        <source>8  Export</source>
        <translation>8  导出</translation>
    </message>
    <message>
        <source>Open a run whose images have been generated.</source>
        <translation>请打开一个已生成图像的运行。</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>打开运行</translation>
    </message>
    <message>
        <source>Running: %1…</source>
        <translation>正在运行：%1…</translation>
    </message>
    <message>
        <source>Add a run to the comparison</source>
        <translation>将运行添加到比较</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>新建运行</translation>
    </message>
    <message>
        <source>The run is prepared with the current data, model and privacy settings in a new folder in %1.
Run name:</source>
        <translation>将使用当前的数据、模型和隐私设置，在 %1 中的新文件夹里准备该运行。
运行名称：</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Run: %1 (%2)</source>
        <translation>运行：%1（%2）</translation>
    </message>
    <message>
        <source>The probe has not run yet. It measures each attention matrix&apos;s saliency with calibrated noise and is charged to the privacy budget.</source>
        <translation>探针尚未运行。它以校准噪声测量每个注意力矩阵的显著性，并计入隐私预算。</translation>
    </message>
    <message>
        <source>This run&apos;s variant (%1) does not run the saliency probe.</source>
        <translation>此运行的变体（%1）不运行显著性探针。</translation>
    </message>
    <message>
        <source>A job is running.</source>
        <translation>有任务正在运行。</translation>
    </message>
    <message>
        <source>Generate images first: Start on the Train page runs every stage.</source>
        <translation>请先生成图像：在“训练”页面点击“开始”即可运行所有阶段。</translation>
    </message>
    <message>
        <source>Open a DP-SAPF run first.</source>
        <translation>请先打开一个 DP-SAPF 运行。</translation>
    </message>
    <message>
        <source>finished: %1 steps, ε = %2 spent (PRV)</source>
        <translation>已完成：%1 步，已消耗 ε = %2（PRV）</translation>
    </message>
    <message>
        <source>continues from the checkpoint at step %1 of %2</source>
        <translation>将从第 %1 步（共 %2 步）的检查点继续</translation>
    </message>
    <message>
        <source>to do: %1</source>
        <translation>待完成：%1</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>有任务正在运行</translation>
    </message>
    <message>
        <source>Stop after the next checkpoint and close? Nothing is lost: the run continues from that checkpoint next time.</source>
        <translation>在下一个检查点之后停止并关闭？不会丢失任何内容：下次将从该检查点继续运行。</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::AboutDialog</name>
    <message>
        <source>About DP-SAPF Studio</source>
        <translation>关于 DP-SAPF Studio</translation>
    </message>
    <message>
        <source>Differentially private synthetic image datasets from a public diffusion model, fine-tuned with saliency-aware parameter selection (DP-SAPF).</source>
        <translation>基于公开扩散模型生成差分隐私合成图像数据集，采用显著性感知参数选择（DP-SAPF）进行微调。</translation>
    </message>
    <message>
        <source>Qt</source>
        <translation>Qt</translation>
    </message>
    <message>
        <source>LibTorch</source>
        <translation>LibTorch</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <source>Compute threads</source>
        <translation>计算线程</translation>
    </message>
    <message>
        <source>Log file</source>
        <translation>日志文件</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Licensed under the GNU General Public License, version 3 or later.</source>
        <translation>依据 GNU 通用公共许可证第 3 版或更高版本授权。</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ComparePanel</name>
    <message>
        <source>&amp;Add run…</source>
        <translation>添加运行(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Remove selected run</source>
        <translation>移除所选运行(&amp;R)</translation>
    </message>
    <message>
        <source>Start the paired &amp;DP-LoRA run</source>
        <translation>启动配对的 DP-LoRA 运行(&amp;D)</translation>
    </message>
    <message>
        <source>Starts a DP-LoRA run with the same data, budget, steps and seed as the current run, for a fair comparison.</source>
        <translation>以与当前运行相同的数据、预算、步数和随机种子启动一个 DP-LoRA 运行，以便公平比较。</translation>
    </message>
    <message>
        <source>Open a DP-SAPF run first.</source>
        <translation>请先打开一个 DP-SAPF 运行。</translation>
    </message>
    <message>
        <source>No samples yet</source>
        <translation>暂无示例图像</translation>
    </message>
    <message>
        <source>&amp;Evaluate the open run</source>
        <translation>评估当前运行(&amp;E)</translation>
    </message>
    <message>
        <source>Computes FID and the accuracy of a classifier trained on the generated images (written to eval.json). This uses the sensitive data and is not covered by the privacy guarantee; it can take minutes.</source>
        <translation>计算 FID 以及在生成图像上训练的分类器的准确率（写入 eval.json）。这会使用敏感数据，不受隐私保证的保护；可能需要几分钟。</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ComputeSettingsBox</name>
    <message>
        <source>Training hardware</source>
        <translation>训练硬件</translation>
    </message>
    <message>
        <source>Automatic (a CUDA GPU when present)</source>
        <translation>自动（有 CUDA GPU 时使用）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>Where the probe, the training and the sampling run</source>
        <translation>探测、训练和采样运行的位置</translation>
    </message>
    <message>
        <source>Automatic (on for Stable Diffusion)</source>
        <translation>自动（Stable Diffusion 时开启）</translation>
    </message>
    <message>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Recompute the UNet&apos;s activations in the backward pass: about 4× less activation memory for about one more forward pass per step. Results do not change.</source>
        <translation>在反向传播中重新计算 UNet 的激活：激活内存约减少为 1/4，每步约多一次前向计算。结果不变。</translation>
    </message>
    <message>
        <source>fp32 (full precision)</source>
        <translation>fp32（全精度）</translation>
    </message>
    <message>
        <source>bf16 (half the memory)</source>
        <translation>bf16（一半内存）</translation>
    </message>
    <message>
        <source>fp16 (half the memory, CUDA only)</source>
        <translation>fp16（一半内存，仅 CUDA）</translation>
    </message>
    <message>
        <source>&amp;Gradient checkpointing:</source>
        <translation>梯度检查点(&amp;G)：</translation>
    </message>
    <message>
        <source>Fro&amp;zen weights:</source>
        <translation>冻结权重(&amp;Z)：</translation>
    </message>
    <message>
        <source>The dtype of the frozen UNet weights. The LoRA factors and every privacy computation (norms, clipping, sums) stay fp32.</source>
        <translation>冻结的 UNet 权重的数据类型。LoRA 因子和所有隐私计算（范数、裁剪、求和）保持 fp32。</translation>
    </message>
    <message>
        <source>The bundled model trains in fp32; reduced precision is for Stable Diffusion models</source>
        <translation>内置模型以 fp32 训练；降低精度仅适用于 Stable Diffusion 模型</translation>
    </message>
    <message>
        <source>Devi&amp;ce:</source>
        <translation>设备(&amp;C)：</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::DataPanel</name>
    <message>
        <source>Choose a dataset and press Load to inspect it.</source>
        <translation>选择一个数据集，然后点击“加载”进行查看。</translation>
    </message>
    <message>
        <source>Sensitive dataset</source>
        <translation>敏感数据集</translation>
    </message>
    <message>
        <source>Fashion-MNIST (Debian package)</source>
        <translation>Fashion-MNIST（Debian 软件包）</translation>
    </message>
    <message>
        <source>Folder of class folders</source>
        <translation>包含各类别子文件夹的文件夹</translation>
    </message>
    <message>
        <source>Zip (StyleGAN dataset.json)</source>
        <translation>Zip（StyleGAN dataset.json）</translation>
    </message>
    <message>
        <source>.npz (images and labels arrays)</source>
        <translation>.npz（图像和标签数组）</translation>
    </message>
    <message>
        <source>IDX files (MNIST format)</source>
        <translation>IDX 文件（MNIST 格式）</translation>
    </message>
    <message>
        <source>.npy (images array and labels array)</source>
        <translation>.npy（图像数组和标签数组）</translation>
    </message>
    <message>
        <source>How the images are stored</source>
        <translation>图像的存储方式</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>The labels file that belongs to the images</source>
        <translation>与图像对应的标签文件</translation>
    </message>
    <message>
        <source>Br&amp;owse…</source>
        <translation>浏览(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Skip unreadable files</source>
        <translation>跳过无法读取的文件(&amp;S)</translation>
    </message>
    <message>
        <source>Leave out files that cannot be decoded and list them under Problems, instead of stopping at the first one</source>
        <translation>跳过无法解码的文件并在“问题”中列出，而不是在遇到第一个时就停止</translation>
    </message>
    <message>
        <source>&amp;Load</source>
        <translation>加载(&amp;L)</translation>
    </message>
    <message>
        <source>Loading the dataset</source>
        <translation>正在加载数据集</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>类型(&amp;K)：</translation>
    </message>
    <message>
        <source>&amp;Path:</source>
        <translation>路径(&amp;P)：</translation>
    </message>
    <message>
        <source>Labels &amp;file:</source>
        <translation>标签文件(&amp;F)：</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>样本数：</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Image sizes:</source>
        <translation>图像尺寸：</translation>
    </message>
    <message>
        <source>Fingerprint:</source>
        <translation>指纹：</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>描述：</translation>
    </message>
    <message>
        <source>Class balance</source>
        <translation>类别分布</translation>
    </message>
    <message>
        <source>Records per class</source>
        <translation>每个类别的样本数</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Unreadable files and reasons</source>
        <translation>无法读取的文件及原因</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Sample images per class</source>
        <translation>每个类别的示例图像</translation>
    </message>
    <message>
        <source>These images are the sensitive data. They are shown only here and never written anywhere else.</source>
        <translation>这些图像属于敏感数据，仅在此处显示，绝不会写入其他任何位置。</translation>
    </message>
    <message>
        <source>Reading the dataset…</source>
        <translation>正在读取数据集…</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Files skipped because they could not be read: %1.</source>
        <translation>因无法读取而跳过的文件数：%1。</translation>
    </message>
    <message>
        <source>Every file was readable.</source>
        <translation>所有文件均可读取。</translation>
    </message>
    <message>
        <source>No file was skipped.</source>
        <translation>没有跳过任何文件。</translation>
    </message>
    <message>
        <source>Choose the dataset folder</source>
        <translation>选择数据集文件夹</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <source>NumPy archives (*.npz)</source>
        <translation>NumPy 归档 (*.npz)</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy)</source>
        <translation>NumPy 数组 (*.npy)</translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx *.idx3 *.idx3-ubyte *.gz)</source>
        <translation>IDX 文件 (*-ubyte *-ubyte.gz *.idx *.idx3 *.idx3-ubyte *.gz)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose the images file</source>
        <translation>选择图像文件</translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx *.idx1 *.gz)</source>
        <translation>IDX 文件 (*-ubyte *-ubyte.gz *.idx *.idx1 *.gz)</translation>
    </message>
    <message>
        <source>Choose the labels file</source>
        <translation>选择标签文件</translation>
    </message>
    <message>
        <source>Optional: the Debian package&apos;s location is used</source>
        <translation>可选：默认使用 Debian 软件包的位置</translation>
    </message>
    <message>
        <source>A folder with one sub-folder per class</source>
        <translation>每个类别一个子文件夹的文件夹</translation>
    </message>
    <message>
        <source>The images file</source>
        <translation>图像文件</translation>
    </message>
    <message>
        <source>Read the dataset and show an overview</source>
        <translation>读取数据集并显示概览</translation>
    </message>
    <message>
        <source>Choose a path first</source>
        <translation>请先选择路径</translation>
    </message>
    <message>
        <source>class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>Sample of %1</source>
        <translation>%1 的示例</translation>
    </message>
    <message>
        <source>No thumbnails.</source>
        <translation>没有缩略图。</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ExportPanel</name>
    <message>
        <source>Generate images first.</source>
        <translation>请先生成图像。</translation>
    </message>
    <message>
        <source>Formats and destination</source>
        <translation>格式和目标位置</translation>
    </message>
    <message>
        <source>&amp;Class folders</source>
        <translation>类别文件夹(&amp;C)</translation>
    </message>
    <message>
        <source>images/&lt;class&gt;/N.png: one folder of PNG files per class.</source>
        <translation>images/&lt;class&gt;/N.png：每个类别一个 PNG 文件夹。</translation>
    </message>
    <message>
        <source>&amp;Reference layout</source>
        <translation>参考布局(&amp;R)</translation>
    </message>
    <message>
        <source>gen/%06d/: the folder layout the DP-SAPF reference code and its evaluation scripts read.</source>
        <translation>gen/%06d/：DP-SAPF 参考代码及其评估脚本读取的文件夹布局。</translation>
    </message>
    <message>
        <source>&amp;Arrays</source>
        <translation>数组(&amp;A)</translation>
    </message>
    <message>
        <source>syn_images.npy + syn_labels.npy: NumPy arrays of every image and its class.</source>
        <translation>syn_images.npy + syn_labels.npy：包含所有图像及其类别的 NumPy 数组。</translation>
    </message>
    <message>
        <source>&amp;NPZ archive</source>
        <translation>NPZ 归档(&amp;N)</translation>
    </message>
    <message>
        <source>gen.npz with every image and label, plus sample.png, a preview grid.</source>
        <translation>gen.npz，包含所有图像和标签，另附预览网格 sample.png。</translation>
    </message>
    <message>
        <source>&amp;LoRA weights</source>
        <translation>LoRA 权重(&amp;L)</translation>
    </message>
    <message>
        <source>The fine-tuned adapters for PEFT/diffusers and as a kohya .safetensors file, to generate more images elsewhere.</source>
        <translation>微调后的适配器，提供 PEFT/diffusers 格式和 kohya .safetensors 文件，便于在其他地方生成更多图像。</translation>
    </message>
    <message>
        <source>Privacy re&amp;port</source>
        <translation>隐私报告(&amp;P)</translation>
    </message>
    <message>
        <source>ε, δ, noise and the selected matrices, as JSON and Markdown.</source>
        <translation>ε、δ、噪声和选中的矩阵，以 JSON 和 Markdown 格式提供。</translation>
    </message>
    <message>
        <source>A folder; it is created if needed</source>
        <translation>一个文件夹；如不存在将自动创建</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Destination:</source>
        <translation>目标位置(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>Export progress</source>
        <translation>导出进度</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Nothing exported yet.</source>
        <translation>尚未导出任何内容。</translation>
    </message>
    <message>
        <source>Destination:</source>
        <translation>目标位置：</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <source>Total size:</source>
        <translation>总大小：</translation>
    </message>
    <message>
        <source>Privacy:</source>
        <translation>隐私：</translation>
    </message>
    <message>
        <source>Files written</source>
        <translation>已写入的文件</translation>
    </message>
    <message>
        <source>Files &amp;written:</source>
        <translation>已写入的文件(&amp;W)：</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Export finished.</source>
        <translation>导出完成。</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>未报告</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Choose the export folder</source>
        <translation>选择导出文件夹</translation>
    </message>
    <message>
        <source>An export is running.</source>
        <translation>正在导出。</translation>
    </message>
    <message>
        <source>Nothing to export yet.</source>
        <translation>暂无可导出的内容。</translation>
    </message>
    <message>
        <source>Choose at least one format.</source>
        <translation>请至少选择一种格式。</translation>
    </message>
    <message>
        <source>Choose a destination folder.</source>
        <translation>请选择目标文件夹。</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::GalleryPanel</name>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Fit the grid into the view (%1)</source>
        <translation>使网格适应视图（%1）</translation>
    </message>
    <message>
        <source>&amp;Save grid as PNG…</source>
        <translation>将网格保存为 PNG(&amp;S)…</translation>
    </message>
    <message>
        <source>Save the grid shown, at its original size</source>
        <translation>以原始尺寸保存当前显示的网格</translation>
    </message>
    <message>
        <source>Sample grid, one row per class</source>
        <translation>示例网格，每个类别一行</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>&amp;Checkpoint:</source>
        <translation>检查点(&amp;C)：</translation>
    </message>
    <message>
        <source>No samples yet: they appear at each checkpoint while training.</source>
        <translation>暂无示例图像：训练期间每到一个检查点就会出现。</translation>
    </message>
    <message>
        <source>Save sample grid</source>
        <translation>保存示例网格</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Cannot show the samples of step %1: %2 (%3).</source>
        <translation>无法显示第 %1 步的示例图像：%2（%3）。</translation>
    </message>
    <message>
        <source>step %1 (%2 of %3)</source>
        <translation>第 %1 步（%2 / %3）</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::LogModel</name>
    <message>
        <source>trace</source>
        <translation>跟踪</translation>
    </message>
    <message>
        <source>debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::LogPanel</name>
    <message>
        <source>Log records</source>
        <translation>日志记录</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>调试及以上</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>信息及以上</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Show only log records at or above this level</source>
        <translation>仅显示此级别及以上的日志记录</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy every record to the clipboard, e.g. for a bug report</source>
        <translation>将所有记录复制到剪贴板，例如用于错误报告</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清空(&amp;L)</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::MainWindow</name>
    <message>
        <source>DP-SAPF Studio</source>
        <translation>DP-SAPF Studio</translation>
    </message>
    <message numerus="yes">
        <source>Compute device: %1, %n thread(s)</source>
        <translation>
            <numerusform>计算设备：%1，%n 个线程</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used the next time DP-SAPF Studio starts.</source>
        <translation>新语言将在下次启动 DP-SAPF Studio 时生效。</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About DP-SAPF Studio</source>
        <translation>关于 DP-SAPF Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Workflow steps</source>
        <translation>工作流程步骤</translation>
    </message>
    <message>
        <source>&amp;New run…</source>
        <translation>新建运行(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open run…</source>
        <translation>打开运行(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::MetricCurves</name>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>not computed yet</source>
        <translation>尚未计算</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>ε spent</source>
        <translation>已消耗 ε</translation>
    </message>
    <message>
        <source>FID</source>
        <translation>FID</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>target ε = %1</source>
        <translation>目标 ε = %1</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ModelPanel</name>
    <message>
        <source>Press Inspect to read the model&apos;s attention matrices.</source>
        <translation>点击“检查”以读取模型的注意力矩阵。</translation>
    </message>
    <message>
        <source>Public model</source>
        <translation>公开模型</translation>
    </message>
    <message>
        <source>B&amp;undled model (sapf-tiny, works offline)</source>
        <translation>内置模型（sapf-tiny，可离线使用）(&amp;U)</translation>
    </message>
    <message>
        <source>Stable &amp;Diffusion folder or .safetensors file</source>
        <translation>Stable Diffusion 文件夹或 .safetensors 文件(&amp;D)</translation>
    </message>
    <message>
        <source>A diffusers folder (with unet/) or a single-file checkpoint (.safetensors)</source>
        <translation>diffusers 文件夹（包含 unet/）或单文件检查点（.safetensors）</translation>
    </message>
    <message>
        <source>Model path</source>
        <translation>模型路径</translation>
    </message>
    <message>
        <source>F&amp;older…</source>
        <translation>文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Choose a diffusers model folder</source>
        <translation>选择 diffusers 模型文件夹</translation>
    </message>
    <message>
        <source>&amp;File…</source>
        <translation>文件(&amp;F)…</translation>
    </message>
    <message>
        <source>Choose a single .safetensors checkpoint</source>
        <translation>选择单个 .safetensors 检查点</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>检查(&amp;I)</translation>
    </message>
    <message>
        <source>Load the model and list its attention matrices</source>
        <translation>加载模型并列出其注意力矩阵</translation>
    </message>
    <message>
        <source>Loading the model</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <source>&amp;Path:</source>
        <translation>路径(&amp;P)：</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Family:</source>
        <translation>系列：</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <source>Attention matrices:</source>
        <translation>注意力矩阵：</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>描述：</translation>
    </message>
    <message>
        <source>Public classes:</source>
        <translation>公开类别：</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Attention matrices</source>
        <translation>注意力矩阵</translation>
    </message>
    <message>
        <source>Transformer blocks</source>
        <translation>Transformer 模块</translation>
    </message>
    <message>
        <source>Matrix</source>
        <translation>矩阵</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Attention matrices and shapes</source>
        <translation>注意力矩阵及其形状</translation>
    </message>
    <message>
        <source>Attention matrices (probe candidates)</source>
        <translation>注意力矩阵（探针候选）</translation>
    </message>
    <message>
        <source>Reading the model…</source>
        <translation>正在读取模型…</translation>
    </message>
    <message>
        <source>%1 × %1 pixels, channels: %2</source>
        <translation>%1 × %1 像素，通道数：%2</translation>
    </message>
    <message>
        <source>%1 matrices with %2 parameters</source>
        <translation>%1 个矩阵，共 %2 个参数</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>none (unconditional)</source>
        <translation>无（无条件生成）</translation>
    </message>
    <message>
        <source>Choose a Stable Diffusion model folder</source>
        <translation>选择 Stable Diffusion 模型文件夹</translation>
    </message>
    <message>
        <source>Choose a Stable Diffusion checkpoint</source>
        <translation>选择 Stable Diffusion 检查点</translation>
    </message>
    <message>
        <source>Safetensors checkpoints (*.safetensors)</source>
        <translation>Safetensors 检查点 (*.safetensors)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a model folder or file first</source>
        <translation>请先选择模型文件夹或文件</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::PrivacyPanel</name>
    <message>
        <source>1/(N ln N)</source>
        <translation>1/(N ln N)</translation>
    </message>
    <message>
        <source>1e-5</source>
        <translation>1e-5</translation>
    </message>
    <message>
        <source>&amp;Measure this computer&apos;s speed</source>
        <translation>测量本机速度(&amp;M)</translation>
    </message>
    <message>
        <source>The privacy budget ε: how much any one person&apos;s images may change what the released model and images look like. Smaller is more private; 1 to 10 is common.</source>
        <translation>隐私预算 ε：任何一个人的图像最多能在多大程度上改变所发布的模型和图像。数值越小越私密；常用 1 到 10。</translation>
    </message>
    <message>
        <source>δ: the small probability that the ε guarantee does not hold. It must be well below 1/N (one in the number of training records).</source>
        <translation>δ：ε 保证不成立的小概率。它必须远小于 1/N（N 为训练样本数）。</translation>
    </message>
    <message>
        <source>δ = 1/(N ln N), the rule the paper uses</source>
        <translation>δ = 1/(N ln N)，论文采用的规则</translation>
    </message>
    <message>
        <source>δ = 0.00001, a common fixed value</source>
        <translation>δ = 0.00001，常用的固定值</translation>
    </message>
    <message>
        <source>Selection ratio c: the share of the 128 attention matrices that get LoRA adapters, chosen by the private saliency probe. The paper finds 0.2–0.4 best; 0.6 and above can collapse.</source>
        <translation>选择比例 c：128 个注意力矩阵中获得 LoRA 适配器的比例，由隐私保护的显著性探针选出。论文发现 0.2–0.4 最佳；0.6 及以上可能崩溃。</translation>
    </message>
    <message>
        <source>Noise multiplier σ_s of the saliency probe: more noise costs less privacy but makes the ranking less reliable.</source>
        <translation>显著性探针的噪声乘数 σ_s：噪声越大，隐私开销越小，但排序越不可靠。</translation>
    </message>
    <message>
        <source>Records the probe samples to measure saliency.</source>
        <translation>探针为测量显著性而采样的样本数。</translation>
    </message>
    <message>
        <source>DP-SGD steps; more steps need more noise per step.</source>
        <translation>DP-SGD 步数；步数越多，每步所需的噪声越大。</translation>
    </message>
    <message>
        <source>Expected records per step (Poisson sampling): larger batches average out more noise.</source>
        <translation>每步的期望样本数（泊松采样）：批量越大，越能平均掉噪声。</translation>
    </message>
    <message>
        <source>Privacy budget</source>
        <translation>隐私预算</translation>
    </message>
    <message>
        <source>&amp;Epsilon (ε):</source>
        <translation>Epsilon (ε)(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Delta (δ):</source>
        <translation>Delta (δ)(&amp;D)：</translation>
    </message>
    <message>
        <source>DP-SAPF</source>
        <translation>DP-SAPF</translation>
    </message>
    <message>
        <source>Selection &amp;ratio c:</source>
        <translation>选择比例 c(&amp;R)：</translation>
    </message>
    <message>
        <source>Probe &amp;noise σ_s:</source>
        <translation>探针噪声 σ_s(&amp;N)：</translation>
    </message>
    <message>
        <source>Probe &amp;sample:</source>
        <translation>探针采样数(&amp;S)：</translation>
    </message>
    <message>
        <source>Training s&amp;teps:</source>
        <translation>训练步数(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Batch size:</source>
        <translation>批量大小(&amp;B)：</translation>
    </message>
    <message>
        <source>What this means (computed before any private data is read)</source>
        <translation>这意味着什么（在读取任何隐私数据之前计算）</translation>
    </message>
    <message>
        <source>δ = 1/(N ln N)</source>
        <translation>δ = 1/(N ln N)</translation>
    </message>
    <message>
        <source>Training records N: %1; δ = %2 (%3)</source>
        <translation>训练样本数 N：%1；δ = %2（%3）</translation>
    </message>
    <message>
        <source>Sampling rates: q = %1 per training step, q_s = %2 for the probe</source>
        <translation>采样率：每个训练步 q = %1，探针 q_s = %2</translation>
    </message>
    <message>
        <source>Noise multiplier for training σ = &lt;b&gt;%1&lt;/b&gt; (calibrated with %2 so that probe + training spend ε = %3)%4</source>
        <translation>训练噪声乘数 σ = &lt;b&gt;%1&lt;/b&gt;（用 %2 校准，使探针 + 训练共消耗 ε = %3）%4</translation>
    </message>
    <message>
        <source> — refining with PRV…</source>
        <translation> — 正在用 PRV 细化…</translation>
    </message>
    <message>
        <source>ε spent by the probe alone: %1 (RDP)</source>
        <translation>仅探针消耗的 ε：%1（RDP）</translation>
    </message>
    <message>
        <source>, %1 (PRV)</source>
        <translation>，%1（PRV）</translation>
    </message>
    <message>
        <source>ε of probe + training under RDP (an upper bound): %1</source>
        <translation>探针 + 训练在 RDP 下的 ε（上界）：%1</translation>
    </message>
    <message>
        <source>Trainable LoRA parameters: DP-SAPF %1–%2 (%3 of %4 matrices, depending on the probe), DP-LoRA %5 (all %4)</source>
        <translation>可训练的 LoRA 参数：DP-SAPF %1–%2（%4 个矩阵中的 %3 个，取决于探针），DP-LoRA %5（全部 %4 个）</translation>
    </message>
    <message>
        <source>Runtime: %1</source>
        <translation>运行时间：%1</translation>
    </message>
    <message>
        <source>Memory: %1</source>
        <translation>内存：%1</translation>
    </message>
    <message>
        <source>ε above 10 gives weak protection: an attacker may learn much more about an individual than with ε ≤ 10.</source>
        <translation>ε 大于 10 时保护较弱：与 ε ≤ 10 相比，攻击者可能获知关于个人的多得多的信息。</translation>
    </message>
    <message>
        <source>c ≥ 0.6 is where the paper reports collapse: too many adapters share the noise. 0.2–0.4 works best.</source>
        <translation>论文报告 c ≥ 0.6 时会出现崩溃：过多适配器分摊噪声。0.2–0.4 效果最好。</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::SaliencyHeatmap</name>
    <message>
        <source>noisy saliency score</source>
        <translation>加噪显著性分数</translation>
    </message>
    <message>
        <source>no saliency scores yet</source>
        <translation>暂无显著性分数</translation>
    </message>
    <message>
        <source>%1 %2: no score (not a probe candidate)</source>
        <translation>%1 %2：无分数（非探针候选）</translation>
    </message>
    <message>
        <source>noisy score: %1</source>
        <translation>加噪分数：%1</translation>
    </message>
    <message>
        <source>(≤ 0 after noise)</source>
        <translation>（加噪后 ≤ 0）</translation>
    </message>
    <message>
        <source>shape: %1</source>
        <translation>形状：%1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>rank %1 of %2</source>
        <translation>排名 %1 / %2</translation>
    </message>
    <message>
        <source>not ranked</source>
        <translation>未排名</translation>
    </message>
    <message>
        <source>selected</source>
        <translation>已选中</translation>
    </message>
    <message>
        <source>not selected</source>
        <translation>未选中</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::SaliencyPanel</name>
    <message>
        <source>&amp;Logarithmic colour scale</source>
        <translation>对数色标(&amp;L)</translation>
    </message>
    <message>
        <source>Run the &amp;probe</source>
        <translation>运行探针(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Apply this ratio to the run</source>
        <translation>将此比例应用于运行(&amp;A)</translation>
    </message>
    <message>
        <source>Selection ratio c: the top fraction of matrices by noisy saliency gets LoRA adapters. Re-selecting uses only the noisy scores, so it costs no privacy.</source>
        <translation>选择比例 c：按加噪显著性排在前面的这部分矩阵获得 LoRA 适配器。重新选择只使用加噪分数，因此不消耗隐私预算。</translation>
    </message>
    <message>
        <source>Prepares the run and measures each attention matrix&apos;s saliency on the sensitive data with calibrated noise (charged to the privacy budget).</source>
        <translation>准备运行，并在敏感数据上以校准噪声测量每个注意力矩阵的显著性（计入隐私预算）。</translation>
    </message>
    <message>
        <source>Selection &amp;ratio c:</source>
        <translation>选择比例 c(&amp;R)：</translation>
    </message>
    <message>
        <source>Open or start a run to see the saliency of each attention matrix.</source>
        <translation>打开或启动一个运行，以查看每个注意力矩阵的显著性。</translation>
    </message>
    <message>
        <source>Re-selecting costs no privacy: it only reorders the noisy scores.</source>
        <translation>重新选择不消耗隐私预算：它只是对加噪分数重新排序。</translation>
    </message>
    <message>
        <source>%1 of %2 matrices selected (outlined). %3</source>
        <translation>已选中 %2 个矩阵中的 %1 个（带轮廓）。%3</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::TrainPanel</name>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Stop after &amp;checkpoint</source>
        <translation>在检查点后停止(&amp;C)</translation>
    </message>
    <message>
        <source>Stop &amp;now</source>
        <translation>立即停止(&amp;N)</translation>
    </message>
    <message>
        <source>Runs the remaining stages: probe, selection, DP training, generation and export. A stopped run continues from its last checkpoint.</source>
        <translation>运行剩余阶段：探针、选择、DP 训练、生成和导出。已停止的运行会从其最后一个检查点继续。</translation>
    </message>
    <message>
        <source>Finishes steps up to the next checkpoint, saves it and stops; Start continues from there.</source>
        <translation>完成到下一个检查点为止的步骤，保存后停止；点击“开始”将从那里继续。</translation>
    </message>
    <message>
        <source>Stops at once; steps since the last checkpoint are repeated when the run continues.</source>
        <translation>立即停止；继续运行时会重复自上一个检查点以来的步骤。</translation>
    </message>
    <message>
        <source>No run is open: choose data and a budget, then start a new run (File &gt; New run), or open one.</source>
        <translation>未打开任何运行：请选择数据和预算，然后新建运行（文件 &gt; 新建运行），或打开一个已有运行。</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>Stage: %1</source>
        <translation>阶段：%1</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计剩余 %1</translation>
    </message>
    <message>
        <source> · loss %1</source>
        <translation> · 损失 %1</translation>
    </message>
    <message>
        <source> · ε spent %1 (RDP bound)</source>
        <translation> · 已消耗 ε %1（RDP 上界）</translation>
    </message>
    <message>
        <source>Loss, FID and accuracy are computed on the sensitive data for you to judge the run; they are not covered by the differential privacy guarantee and are never exported.</source>
        <translation>损失、FID 和准确率是在敏感数据上计算的，供您评估本次运行；它们不受差分隐私保证的保护，也不会被导出。</translation>
    </message>
</context>
</TS>
