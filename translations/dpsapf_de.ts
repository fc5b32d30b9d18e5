<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>Load a dataset on the Data page: N, δ and the sampling rates depend on its size.</source>
        <translation>Laden Sie auf der Seite „Daten“ einen Datensatz: N, δ und die Stichprobenraten hängen von seiner Größe ab.</translation>
    </message>
    <message>
        <source>about %1 for probe and training on this computer (%2 threads; DP-LoRA speed, an upper bound for DP-SAPF), plus image generation</source>
        <translation>etwa %1 für Probe und Training auf diesem Computer (%2 Threads; Geschwindigkeit von DP-LoRA, eine obere Schranke für DP-SAPF), zuzüglich Bilderzeugung</translation>
    </message>
    <message>
        <source>peak %1 MB measured during the speed test (micro-batches of %2)</source>
        <translation>Spitzenwert %1 MB, gemessen beim Geschwindigkeitstest (Micro-Batches zu %2)</translation>
    </message>
    <message>
        <source>not measured yet: use “Measure this computer&apos;s speed”</source>
        <translation>noch nicht gemessen: „Geschwindigkeit dieses Computers messen“ verwenden</translation>
    </message>
    <message>
        <source>Noisy release: σ_s = %1, q_s = %2, %3 records sampled, noise standard deviation %4 per score. Only these noisy scores are stored or shown.</source>
        <translation>Verrauschte Veröffentlichung: σ_s = %1, q_s = %2, %3 Datenpunkte gezogen, Rausch-Standardabweichung %4 pro Score. Nur diese verrauschten Scores werden gespeichert oder angezeigt.</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>Variante</translation>
    </message>
    <message>
        <source>Target ε</source>
        <translation>Ziel-ε</translation>
    </message>
    <message>
        <source>ε spent (PRV)</source>
        <translation>Verbrauchtes ε (PRV)</translation>
    </message>
    <message>
        <source>ε spent (RDP bound)</source>
        <translation>Verbrauchtes ε (RDP-Schranke)</translation>
    </message>
    <message>
        <source>δ</source>
        <translation>δ</translation>
    </message>
    <message>
        <source>Noise multiplier σ</source>
        <translation>Rauschmultiplikator σ</translation>
    </message>
    <message>
        <source>Selected matrices</source>
        <translation>Ausgewählte Matrizen</translation>
    </message>
    <message>
        <source>Trainable parameters</source>
        <translation>Trainierbare Parameter</translation>
    </message>
    <message>
        <source>Steps done</source>
        <translation>Erledigte Schritte</translation>
    </message>
    <message>
        <source>Final training loss (not private)</source>
        <translation>Letzter Trainingsverlust (nicht privat)</translation>
    </message>
    <message>
        <source>FID (sensitive data, not DP)</source>
        <translation>FID (sensible Daten, nicht DP)</translation>
    </message>
    <message>
        <source>Accuracy (sensitive data, not DP)</source>
        <translation>Genauigkeit (sensible Daten, nicht DP)</translation>
    </message>
    <message>
        <source>ε = %1 (PRV), %2 (RDP bound), δ = %3; %4</source>
        <translation>ε = %1 (PRV), %2 (RDP-Schranke), δ = %3; %4</translation>
    </message>
    <message>
        <source>Images of %1×%1 pixels; the UNet sees them as %2 channels of %3×%3.</source>
        <translation>Bilder mit %1×%1 Pixeln; das UNet sieht sie als %2 Kanäle zu %3×%3.</translation>
    </message>
    <message>
        <source>Latent space: training images of %1×%1 RGB are encoded by the VAE and the classes are described by text prompts. %2 (%3), weights stored as %4.</source>
        <translation>Latenter Raum: Trainingsbilder mit %1×%1 Pixeln (RGB) werden vom VAE kodiert, die Klassen werden durch Textprompts beschrieben. %2 (%3), Gewichte gespeichert als %4.</translation>
    </message>
    <message>
        <source>measure this computer&apos;s speed again: the stored measurement cannot be scaled to this model</source>
        <translation>Messen Sie die Geschwindigkeit dieses Computers erneut: die gespeicherte Messung lässt sich nicht auf dieses Modell übertragen</translation>
    </message>
    <message>
        <source>; scaled from the bundled model&apos;s speed by the compute per image (%1 vs %2 GMAC)</source>
        <translation>; aus der Geschwindigkeit des mitgelieferten Modells nach dem Rechenaufwand pro Bild skaliert (%1 statt %2 GMAC)</translation>
    </message>
    <message>
        <source> with the bundled model; this model needs more</source>
        <translation> mit dem mitgelieferten Modell; dieses Modell braucht mehr</translation>
    </message>
</context>
<context>
    <name>dpsapf::app::StudioController</name>
    <message>
        <source>1  Data</source>
        <translation>1  Daten</translation>
    </message>
    <message>
        <source>2  Public model</source>
        <translation>2  Öffentliches Modell</translation>
    </message>
    <message>
        <source>3  Privacy</source>
        <translation>3  Datenschutz</translation>
    </message>
    <message>
        <source>4  Saliency</source>
        <translation>4  Salienz</translation>
    </message>
    <message>
        <source>5  Train</source>
        <translation>5  Training</translation>
    </message>
    <message>
        <source>6  Gallery</source>
        <translation>6  Galerie</translation>
    </message>
    <message>
        <source>7  Compare</source>
        <translation>7  Vergleich</translation>
    </message>
    <message>
        <source>8  Export</source>
        <translation>8  Export</translation>
    </message>
    <message>
        <source>Open a run whose images have been generated.</source>
        <translation>Öffnen Sie einen Lauf, dessen Bilder bereits erzeugt wurden.</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>Lauf öffnen</translation>
    </message>
    <message>
        <source>Running: %1…</source>
        <translation>Läuft: %1…</translation>
    </message>
    <message>
        <source>Add a run to the comparison</source>
        <translation>Lauf zum Vergleich hinzufügen</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>Neuer Lauf</translation>
    </message>
    <message>
        <source>The run is prepared with the current data, model and privacy settings in a new folder in %1.
Run name:</source>
        <translation>Der Lauf wird mit den aktuellen Daten-, Modell- und Datenschutzeinstellungen in einem neuen Ordner in %1 vorbereitet.
Name des Laufs:</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Run: %1 (%2)</source>
        <translation>Lauf: %1 (%2)</translation>
    </message>
    <message>
        <source>The probe has not run yet. It measures each attention matrix&apos;s saliency with calibrated noise and is charged to the privacy budget.</source>
        <translation>Die Probe wurde noch nicht ausgeführt. Sie misst die Salienz jeder Attention-Matrix mit kalibriertem Rauschen und wird auf das Privacy-Budget angerechnet.</translation>
    </message>
    <message>
        <source>This run&apos;s variant (%1) does not run the saliency probe.</source>
        <translation>Die Variante dieses Laufs (%1) führt keine Salienz-Probe aus.</translation>
    </message>
    <message>
        <source>A job is running.</source>
        <translation>Ein Auftrag läuft.</translation>
    </message>
    <message>
        <source>Generate images first: Start on the Train page runs every stage.</source>
        <translation>Erzeugen Sie zuerst Bilder: „Starten“ auf der Seite „Training“ führt alle Phasen aus.</translation>
    </message>
    <message>
        <source>Open a DP-SAPF run first.</source>
        <translation>Öffnen Sie zuerst einen DP-SAPF-Lauf.</translation>
    </message>
    <message>
        <source>finished: %1 steps, ε = %2 spent (PRV)</source>
        <translation>abgeschlossen: %1 Schritte, ε = %2 verbraucht (PRV)</translation>
    </message>
    <message>
        <source>continues from the checkpoint at step %1 of %2</source>
        <translation>wird am Checkpoint bei Schritt %1 von %2 fortgesetzt</translation>
    </message>
    <message>
        <source>to do: %1</source>
        <translation>ausstehend: %1</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>Ein Auftrag läuft</translation>
    </message>
    <message>
        <source>Stop after the next checkpoint and close? Nothing is lost: the run continues from that checkpoint next time.</source>
        <translation>Nach dem nächsten Checkpoint anhalten und schließen? Es geht nichts verloren: Der Lauf wird beim nächsten Mal an diesem Checkpoint fortgesetzt.</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::AboutDialog</name>
    <message>
        <source>About DP-SAPF Studio</source>
        <translation>Über DP-SAPF Studio</translation>
    </message>
    <message>
        <source>Differentially private synthetic image datasets from a public diffusion model, fine-tuned with saliency-aware parameter selection (DP-SAPF).</source>
        <translation>Differentiell private synthetische Bilddatensätze aus einem öffentlichen Diffusionsmodell, feinabgestimmt mit salienzbasierter Parameterauswahl (DP-SAPF).</translation>
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
        <translation>Rechengerät</translation>
    </message>
    <message>
        <source>Compute threads</source>
        <translation>Rechen-Threads</translation>
    </message>
    <message>
        <source>Log file</source>
        <translation>Protokolldatei</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Licensed under the GNU General Public License, version 3 or later.</source>
        <translation>Lizenziert unter der GNU General Public License, Version 3 oder später.</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ComparePanel</name>
    <message>
        <source>&amp;Add run…</source>
        <translation>Lauf hin&amp;zufügen…</translation>
    </message>
    <message>
        <source>&amp;Remove selected run</source>
        <translation>Ausgewählten Lauf &amp;entfernen</translation>
    </message>
    <message>
        <source>Start the paired &amp;DP-LoRA run</source>
        <translation>Gepaarten DP-LoRA-Lauf &amp;starten</translation>
    </message>
    <message>
        <source>Starts a DP-LoRA run with the same data, budget, steps and seed as the current run, for a fair comparison.</source>
        <translation>Startet einen DP-LoRA-Lauf mit denselben Daten, demselben Budget, denselben Schritten und demselben Seed wie der aktuelle Lauf – für einen fairen Vergleich.</translation>
    </message>
    <message>
        <source>Open a DP-SAPF run first.</source>
        <translation>Öffnen Sie zuerst einen DP-SAPF-Lauf.</translation>
    </message>
    <message>
        <source>No samples yet</source>
        <translation>Noch keine Beispielbilder</translation>
    </message>
    <message>
        <source>&amp;Evaluate the open run</source>
        <translation>Offenen Lauf aus&amp;werten</translation>
    </message>
    <message>
        <source>Computes FID and the accuracy of a classifier trained on the generated images (written to eval.json). This uses the sensitive data and is not covered by the privacy guarantee; it can take minutes.</source>
        <translation>Berechnet FID und die Genauigkeit eines Klassifikators, der auf den erzeugten Bildern trainiert wird (in eval.json geschrieben). Dies verwendet die sensiblen Daten und ist nicht durch die Privacy-Garantie abgedeckt; es kann Minuten dauern.</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ComputeSettingsBox</name>
    <message>
        <source>Training hardware</source>
        <translation>Trainingshardware</translation>
    </message>
    <message>
        <source>Automatic (a CUDA GPU when present)</source>
        <translation>Automatisch (eine CUDA-GPU, falls vorhanden)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <source>Where the probe, the training and the sampling run</source>
        <translation>Wo Probe, Training und Bilderzeugung laufen</translation>
    </message>
    <message>
        <source>Automatic (on for Stable Diffusion)</source>
        <translation>Automatisch (an für Stable Diffusion)</translation>
    </message>
    <message>
        <source>On</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Recompute the UNet&apos;s activations in the backward pass: about 4× less activation memory for about one more forward pass per step. Results do not change.</source>
        <translation>Die Aktivierungen des UNet im Rückwärtsdurchlauf neu berechnen: etwa 4× weniger Aktivierungsspeicher für etwa einen Vorwärtsdurchlauf mehr pro Schritt. Die Ergebnisse ändern sich nicht.</translation>
    </message>
    <message>
        <source>fp32 (full precision)</source>
        <translation>fp32 (volle Genauigkeit)</translation>
    </message>
    <message>
        <source>bf16 (half the memory)</source>
        <translation>bf16 (halber Speicher)</translation>
    </message>
    <message>
        <source>fp16 (half the memory, CUDA only)</source>
        <translation>fp16 (halber Speicher, nur CUDA)</translation>
    </message>
    <message>
        <source>&amp;Gradient checkpointing:</source>
        <translation>Gradienten-&amp;Checkpointing:</translation>
    </message>
    <message>
        <source>Fro&amp;zen weights:</source>
        <translation>&amp;Eingefrorene Gewichte:</translation>
    </message>
    <message>
        <source>The dtype of the frozen UNet weights. The LoRA factors and every privacy computation (norms, clipping, sums) stay fp32.</source>
        <translation>Der Datentyp der eingefrorenen UNet-Gewichte. Die LoRA-Faktoren und jede Datenschutzberechnung (Normen, Clipping, Summen) bleiben fp32.</translation>
    </message>
    <message>
        <source>The bundled model trains in fp32; reduced precision is for Stable Diffusion models</source>
        <translation>Das mitgelieferte Modell trainiert in fp32; reduzierte Genauigkeit ist für Stable-Diffusion-Modelle</translation>
    </message>
    <message>
        <source>Devi&amp;ce:</source>
        <translation>&amp;Gerät:</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::DataPanel</name>
    <message>
        <source>Choose a dataset and press Load to inspect it.</source>
        <translation>Wählen Sie einen Datensatz und klicken Sie auf „Laden“, um ihn zu prüfen.</translation>
    </message>
    <message>
        <source>Sensitive dataset</source>
        <translation>Sensibler Datensatz</translation>
    </message>
    <message>
        <source>Fashion-MNIST (Debian package)</source>
        <translation>Fashion-MNIST (Debian-Paket)</translation>
    </message>
    <message>
        <source>Folder of class folders</source>
        <translation>Ordner mit Klassenordnern</translation>
    </message>
    <message>
        <source>Zip (StyleGAN dataset.json)</source>
        <translation>Zip (StyleGAN dataset.json)</translation>
    </message>
    <message>
        <source>.npz (images and labels arrays)</source>
        <translation>.npz (Arrays mit Bildern und Labels)</translation>
    </message>
    <message>
        <source>IDX files (MNIST format)</source>
        <translation>IDX-Dateien (MNIST-Format)</translation>
    </message>
    <message>
        <source>.npy (images array and labels array)</source>
        <translation>.npy (Bild-Array und Label-Array)</translation>
    </message>
    <message>
        <source>How the images are stored</source>
        <translation>Wie die Bilder gespeichert sind</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>Durch&amp;suchen…</translation>
    </message>
    <message>
        <source>The labels file that belongs to the images</source>
        <translation>Die Label-Datei, die zu den Bildern gehört</translation>
    </message>
    <message>
        <source>Br&amp;owse…</source>
        <translation>Durchsu&amp;chen…</translation>
    </message>
    <message>
        <source>&amp;Skip unreadable files</source>
        <translation>Unlesbare Dateien &amp;überspringen</translation>
    </message>
    <message>
        <source>Leave out files that cannot be decoded and list them under Problems, instead of stopping at the first one</source>
        <translation>Dateien, die sich nicht dekodieren lassen, auslassen und unter „Probleme“ auflisten, statt bei der ersten abzubrechen</translation>
    </message>
    <message>
        <source>&amp;Load</source>
        <translation>&amp;Laden</translation>
    </message>
    <message>
        <source>Loading the dataset</source>
        <translation>Datensatz wird geladen</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <source>&amp;Path:</source>
        <translation>&amp;Pfad:</translation>
    </message>
    <message>
        <source>Labels &amp;file:</source>
        <translation>Label-Dat&amp;ei:</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>Datenpunkte:</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>Klassen:</translation>
    </message>
    <message>
        <source>Image sizes:</source>
        <translation>Bildgrößen:</translation>
    </message>
    <message>
        <source>Fingerprint:</source>
        <translation>Fingerabdruck:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Beschreibung:</translation>
    </message>
    <message>
        <source>Class balance</source>
        <translation>Klassenverteilung</translation>
    </message>
    <message>
        <source>Records per class</source>
        <translation>Datenpunkte pro Klasse</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Datenpunkte</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Unreadable files and reasons</source>
        <translation>Unlesbare Dateien und Gründe</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Sample images per class</source>
        <translation>Beispielbilder pro Klasse</translation>
    </message>
    <message>
        <source>These images are the sensitive data. They are shown only here and never written anywhere else.</source>
        <translation>Diese Bilder sind die sensiblen Daten. Sie werden nur hier angezeigt und nirgendwo anders gespeichert.</translation>
    </message>
    <message>
        <source>Reading the dataset…</source>
        <translation>Datensatz wird gelesen…</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Files skipped because they could not be read: %1.</source>
        <translation>Wegen Lesefehlern übersprungene Dateien: %1.</translation>
    </message>
    <message>
        <source>Every file was readable.</source>
        <translation>Alle Dateien waren lesbar.</translation>
    </message>
    <message>
        <source>No file was skipped.</source>
        <translation>Keine Datei wurde übersprungen.</translation>
    </message>
    <message>
        <source>Choose the dataset folder</source>
        <translation>Datensatzordner wählen</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip-Archive (*.zip)</translation>
    </message>
    <message>
        <source>NumPy archives (*.npz)</source>
        <translation>NumPy-Archive (*.npz)</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy)</source>
        <translation>NumPy-Arrays (*.npy)</translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx *.idx3 *.idx3-ubyte *.gz)</source>
        <translation>IDX-Dateien (*-ubyte *-ubyte.gz *.idx *.idx3 *.idx3-ubyte *.gz)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose the images file</source>
        <translation>Bilddatei wählen</translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx *.idx1 *.gz)</source>
        <translation>IDX-Dateien (*-ubyte *-ubyte.gz *.idx *.idx1 *.gz)</translation>
    </message>
    <message>
        <source>Choose the labels file</source>
        <translation>Label-Datei wählen</translation>
    </message>
    <message>
        <source>Optional: the Debian package&apos;s location is used</source>
        <translation>Optional: Der Speicherort des Debian-Pakets wird verwendet</translation>
    </message>
    <message>
        <source>A folder with one sub-folder per class</source>
        <translation>Ein Ordner mit einem Unterordner pro Klasse</translation>
    </message>
    <message>
        <source>The images file</source>
        <translation>Die Bilddatei</translation>
    </message>
    <message>
        <source>Read the dataset and show an overview</source>
        <translation>Datensatz einlesen und eine Übersicht anzeigen</translation>
    </message>
    <message>
        <source>Choose a path first</source>
        <translation>Wählen Sie zuerst einen Pfad</translation>
    </message>
    <message>
        <source>class %1</source>
        <translation>Klasse %1</translation>
    </message>
    <message>
        <source>Sample of %1</source>
        <translation>Beispiel für %1</translation>
    </message>
    <message>
        <source>No thumbnails.</source>
        <translation>Keine Vorschaubilder.</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ExportPanel</name>
    <message>
        <source>Generate images first.</source>
        <translation>Erzeugen Sie zuerst Bilder.</translation>
    </message>
    <message>
        <source>Formats and destination</source>
        <translation>Formate und Ziel</translation>
    </message>
    <message>
        <source>&amp;Class folders</source>
        <translation>&amp;Klassenordner</translation>
    </message>
    <message>
        <source>images/&lt;class&gt;/N.png: one folder of PNG files per class.</source>
        <translation>images/&lt;class&gt;/N.png: ein Ordner mit PNG-Dateien pro Klasse.</translation>
    </message>
    <message>
        <source>&amp;Reference layout</source>
        <translation>&amp;Referenz-Layout</translation>
    </message>
    <message>
        <source>gen/%06d/: the folder layout the DP-SAPF reference code and its evaluation scripts read.</source>
        <translation>gen/%06d/: die Ordnerstruktur, die der DP-SAPF-Referenzcode und seine Auswertungsskripte lesen.</translation>
    </message>
    <message>
        <source>&amp;Arrays</source>
        <translation>Arra&amp;ys</translation>
    </message>
    <message>
        <source>syn_images.npy + syn_labels.npy: NumPy arrays of every image and its class.</source>
        <translation>syn_images.npy + syn_labels.npy: NumPy-Arrays aller Bilder und ihrer Klassen.</translation>
    </message>
    <message>
        <source>&amp;NPZ archive</source>
        <translation>&amp;NPZ-Archiv</translation>
    </message>
    <message>
        <source>gen.npz with every image and label, plus sample.png, a preview grid.</source>
        <translation>gen.npz mit allen Bildern und Labels sowie sample.png, einem Vorschauraster.</translation>
    </message>
    <message>
        <source>&amp;LoRA weights</source>
        <translation>&amp;LoRA-Gewichte</translation>
    </message>
    <message>
        <source>The fine-tuned adapters for PEFT/diffusers and as a kohya .safetensors file, to generate more images elsewhere.</source>
        <translation>Die feinabgestimmten Adapter für PEFT/diffusers und als kohya-.safetensors-Datei, um anderswo weitere Bilder zu erzeugen.</translation>
    </message>
    <message>
        <source>Privacy re&amp;port</source>
        <translation>Datenschutz&amp;bericht</translation>
    </message>
    <message>
        <source>ε, δ, noise and the selected matrices, as JSON and Markdown.</source>
        <translation>ε, δ, Rauschen und die ausgewählten Matrizen als JSON und Markdown.</translation>
    </message>
    <message>
        <source>A folder; it is created if needed</source>
        <translation>Ein Ordner; er wird bei Bedarf angelegt</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>Durch&amp;suchen…</translation>
    </message>
    <message>
        <source>&amp;Destination:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>Export progress</source>
        <translation>Exportfortschritt</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Nothing exported yet.</source>
        <translation>Noch nichts exportiert.</translation>
    </message>
    <message>
        <source>Destination:</source>
        <translation>Ziel:</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>Bilder:</translation>
    </message>
    <message>
        <source>Total size:</source>
        <translation>Gesamtgröße:</translation>
    </message>
    <message>
        <source>Privacy:</source>
        <translation>Datenschutz:</translation>
    </message>
    <message>
        <source>Files written</source>
        <translation>Geschriebene Dateien</translation>
    </message>
    <message>
        <source>Files &amp;written:</source>
        <translation>&amp;Geschriebene Dateien:</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Export finished.</source>
        <translation>Export abgeschlossen.</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>nicht angegeben</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Choose the export folder</source>
        <translation>Exportordner wählen</translation>
    </message>
    <message>
        <source>An export is running.</source>
        <translation>Ein Export läuft.</translation>
    </message>
    <message>
        <source>Nothing to export yet.</source>
        <translation>Noch nichts zu exportieren.</translation>
    </message>
    <message>
        <source>Choose at least one format.</source>
        <translation>Wählen Sie mindestens ein Format.</translation>
    </message>
    <message>
        <source>Choose a destination folder.</source>
        <translation>Wählen Sie einen Zielordner.</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::GalleryPanel</name>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>&amp;Einpassen</translation>
    </message>
    <message>
        <source>Fit the grid into the view (%1)</source>
        <translation>Raster in die Ansicht einpassen (%1)</translation>
    </message>
    <message>
        <source>&amp;Save grid as PNG…</source>
        <translation>Raster als PNG &amp;speichern…</translation>
    </message>
    <message>
        <source>Save the grid shown, at its original size</source>
        <translation>Das angezeigte Raster in Originalgröße speichern</translation>
    </message>
    <message>
        <source>Sample grid, one row per class</source>
        <translation>Beispielraster, eine Zeile pro Klasse</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <source>&amp;Checkpoint:</source>
        <translation>&amp;Checkpoint:</translation>
    </message>
    <message>
        <source>No samples yet: they appear at each checkpoint while training.</source>
        <translation>Noch keine Beispielbilder: Sie erscheinen während des Trainings bei jedem Checkpoint.</translation>
    </message>
    <message>
        <source>Save sample grid</source>
        <translation>Beispielraster speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Cannot show the samples of step %1: %2 (%3).</source>
        <translation>Die Beispielbilder von Schritt %1 können nicht angezeigt werden: %2 (%3).</translation>
    </message>
    <message>
        <source>step %1 (%2 of %3)</source>
        <translation>Schritt %1 (%2 von %3)</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::LogModel</name>
    <message>
        <source>trace</source>
        <translation>Ablauf</translation>
    </message>
    <message>
        <source>debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::LogPanel</name>
    <message>
        <source>Log records</source>
        <translation>Protokolleinträge</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>Debug und höher</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Show only log records at or above this level</source>
        <translation>Nur Protokolleinträge ab dieser Stufe anzeigen</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>&amp;Anzeigen:</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy every record to the clipboard, e.g. for a bug report</source>
        <translation>Alle Einträge in die Zwischenablage kopieren, z. B. für einen Fehlerbericht</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
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
            <numerusform>Rechengerät: %1, %n Thread</numerusform>
            <numerusform>Rechengerät: %1, %n Threads</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language is used the next time DP-SAPF Studio starts.</source>
        <translation>Die neue Sprache wird beim nächsten Start von DP-SAPF Studio verwendet.</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About DP-SAPF Studio</source>
        <translation>Ü&amp;ber DP-SAPF Studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Workflow steps</source>
        <translation>Arbeitsschritte</translation>
    </message>
    <message>
        <source>&amp;New run…</source>
        <translation>&amp;Neuer Lauf…</translation>
    </message>
    <message>
        <source>&amp;Open run…</source>
        <translation>Lauf ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>Laufordner öffnen</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::MetricCurves</name>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>not computed yet</source>
        <translation>noch nicht berechnet</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <source>ε spent</source>
        <translation>verbrauchtes ε</translation>
    </message>
    <message>
        <source>FID</source>
        <translation>FID</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>target ε = %1</source>
        <translation>Ziel-ε = %1</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::ModelPanel</name>
    <message>
        <source>Press Inspect to read the model&apos;s attention matrices.</source>
        <translation>Klicken Sie auf „Untersuchen“, um die Attention-Matrizen des Modells einzulesen.</translation>
    </message>
    <message>
        <source>Public model</source>
        <translation>Öffentliches Modell</translation>
    </message>
    <message>
        <source>B&amp;undled model (sapf-tiny, works offline)</source>
        <translation>&amp;Mitgeliefertes Modell (sapf-tiny, funktioniert offline)</translation>
    </message>
    <message>
        <source>Stable &amp;Diffusion folder or .safetensors file</source>
        <translation>&amp;Stable-Diffusion-Ordner oder .safetensors-Datei</translation>
    </message>
    <message>
        <source>A diffusers folder (with unet/) or a single-file checkpoint (.safetensors)</source>
        <translation>Ein diffusers-Ordner (mit unet/) oder ein Checkpoint als Einzeldatei (.safetensors)</translation>
    </message>
    <message>
        <source>Model path</source>
        <translation>Modellpfad</translation>
    </message>
    <message>
        <source>F&amp;older…</source>
        <translation>&amp;Ordner…</translation>
    </message>
    <message>
        <source>Choose a diffusers model folder</source>
        <translation>diffusers-Modellordner wählen</translation>
    </message>
    <message>
        <source>&amp;File…</source>
        <translation>Da&amp;tei…</translation>
    </message>
    <message>
        <source>Choose a single .safetensors checkpoint</source>
        <translation>Einzelnen .safetensors-Checkpoint wählen</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>&amp;Untersuchen</translation>
    </message>
    <message>
        <source>Load the model and list its attention matrices</source>
        <translation>Modell laden und seine Attention-Matrizen auflisten</translation>
    </message>
    <message>
        <source>Loading the model</source>
        <translation>Modell wird geladen</translation>
    </message>
    <message>
        <source>&amp;Path:</source>
        <translation>&amp;Pfad:</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Family:</source>
        <translation>Familie:</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>Bilder:</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Parameter:</translation>
    </message>
    <message>
        <source>Attention matrices:</source>
        <translation>Attention-Matrizen:</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>Speicherort:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Beschreibung:</translation>
    </message>
    <message>
        <source>Public classes:</source>
        <translation>Öffentliche Klassen:</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>Attention matrices</source>
        <translation>Attention-Matrizen</translation>
    </message>
    <message>
        <source>Transformer blocks</source>
        <translation>Transformer-Blöcke</translation>
    </message>
    <message>
        <source>Matrix</source>
        <translation>Matrix</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Attention matrices and shapes</source>
        <translation>Attention-Matrizen und ihre Formen</translation>
    </message>
    <message>
        <source>Attention matrices (probe candidates)</source>
        <translation>Attention-Matrizen (Kandidaten der Probe)</translation>
    </message>
    <message>
        <source>Reading the model…</source>
        <translation>Modell wird gelesen…</translation>
    </message>
    <message>
        <source>%1 × %1 pixels, channels: %2</source>
        <translation>%1 × %1 Pixel, Kanäle: %2</translation>
    </message>
    <message>
        <source>%1 matrices with %2 parameters</source>
        <translation>%1 Matrizen mit %2 Parametern</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>mitgeliefert</translation>
    </message>
    <message>
        <source>none (unconditional)</source>
        <translation>keine (unkonditioniert)</translation>
    </message>
    <message>
        <source>Choose a Stable Diffusion model folder</source>
        <translation>Stable-Diffusion-Modellordner wählen</translation>
    </message>
    <message>
        <source>Choose a Stable Diffusion checkpoint</source>
        <translation>Stable-Diffusion-Checkpoint wählen</translation>
    </message>
    <message>
        <source>Safetensors checkpoints (*.safetensors)</source>
        <translation>Safetensors-Checkpoints (*.safetensors)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose a model folder or file first</source>
        <translation>Wählen Sie zuerst einen Modellordner oder eine Modelldatei</translation>
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
        <translation>&amp;Geschwindigkeit dieses Computers messen</translation>
    </message>
    <message>
        <source>The privacy budget ε: how much any one person&apos;s images may change what the released model and images look like. Smaller is more private; 1 to 10 is common.</source>
        <translation>Das Privacy-Budget ε: wie stark die Bilder einer einzelnen Person das veröffentlichte Modell und die veröffentlichten Bilder verändern dürfen. Kleiner ist privater; üblich sind 1 bis 10.</translation>
    </message>
    <message>
        <source>δ: the small probability that the ε guarantee does not hold. It must be well below 1/N (one in the number of training records).</source>
        <translation>δ: die kleine Wahrscheinlichkeit, dass die ε-Garantie nicht gilt. Sie muss deutlich unter 1/N liegen (eins durch die Anzahl der Trainingsdatenpunkte).</translation>
    </message>
    <message>
        <source>δ = 1/(N ln N), the rule the paper uses</source>
        <translation>δ = 1/(N ln N), die Regel aus dem Paper</translation>
    </message>
    <message>
        <source>δ = 0.00001, a common fixed value</source>
        <translation>δ = 0,00001, ein üblicher fester Wert</translation>
    </message>
    <message>
        <source>Selection ratio c: the share of the 128 attention matrices that get LoRA adapters, chosen by the private saliency probe. The paper finds 0.2–0.4 best; 0.6 and above can collapse.</source>
        <translation>Auswahlverhältnis c: der Anteil der 128 Attention-Matrizen, die LoRA-Adapter erhalten, ausgewählt von der privaten Salienz-Probe. Laut Paper ist 0,2–0,4 am besten; ab 0,6 kann das Training kollabieren.</translation>
    </message>
    <message>
        <source>Noise multiplier σ_s of the saliency probe: more noise costs less privacy but makes the ranking less reliable.</source>
        <translation>Rauschmultiplikator σ_s der Salienz-Probe: Mehr Rauschen kostet weniger Privacy-Budget, macht die Rangfolge aber weniger zuverlässig.</translation>
    </message>
    <message>
        <source>Records the probe samples to measure saliency.</source>
        <translation>Datenpunkte, die die Probe zur Messung der Salienz zieht.</translation>
    </message>
    <message>
        <source>DP-SGD steps; more steps need more noise per step.</source>
        <translation>DP-SGD-Schritte; mehr Schritte erfordern mehr Rauschen pro Schritt.</translation>
    </message>
    <message>
        <source>Expected records per step (Poisson sampling): larger batches average out more noise.</source>
        <translation>Erwartete Datenpunkte pro Schritt (Poisson-Sampling): Größere Batches mitteln mehr Rauschen heraus.</translation>
    </message>
    <message>
        <source>Privacy budget</source>
        <translation>Privacy-Budget</translation>
    </message>
    <message>
        <source>&amp;Epsilon (ε):</source>
        <translation>&amp;Epsilon (ε):</translation>
    </message>
    <message>
        <source>&amp;Delta (δ):</source>
        <translation>De&amp;lta (δ):</translation>
    </message>
    <message>
        <source>DP-SAPF</source>
        <translation>DP-SAPF</translation>
    </message>
    <message>
        <source>Selection &amp;ratio c:</source>
        <translation>Auswahl&amp;verhältnis c:</translation>
    </message>
    <message>
        <source>Probe &amp;noise σ_s:</source>
        <translation>Probe-&amp;Rauschen σ_s:</translation>
    </message>
    <message>
        <source>Probe &amp;sample:</source>
        <translation>Probe-&amp;Stichprobe:</translation>
    </message>
    <message>
        <source>Training s&amp;teps:</source>
        <translation>&amp;Trainingsschritte:</translation>
    </message>
    <message>
        <source>&amp;Batch size:</source>
        <translation>&amp;Batchgröße:</translation>
    </message>
    <message>
        <source>What this means (computed before any private data is read)</source>
        <translation>Was das bedeutet (berechnet, bevor private Daten gelesen werden)</translation>
    </message>
    <message>
        <source>δ = 1/(N ln N)</source>
        <translation>δ = 1/(N ln N)</translation>
    </message>
    <message>
        <source>Training records N: %1; δ = %2 (%3)</source>
        <translation>Trainingsdatenpunkte N: %1; δ = %2 (%3)</translation>
    </message>
    <message>
        <source>Sampling rates: q = %1 per training step, q_s = %2 for the probe</source>
        <translation>Stichprobenraten: q = %1 pro Trainingsschritt, q_s = %2 für die Probe</translation>
    </message>
    <message>
        <source>Noise multiplier for training σ = &lt;b&gt;%1&lt;/b&gt; (calibrated with %2 so that probe + training spend ε = %3)%4</source>
        <translation>Rauschmultiplikator für das Training σ = &lt;b&gt;%1&lt;/b&gt; (mit %2 so kalibriert, dass Probe + Training ε = %3 verbrauchen)%4</translation>
    </message>
    <message>
        <source> — refining with PRV…</source>
        <translation> — wird mit PRV verfeinert…</translation>
    </message>
    <message>
        <source>ε spent by the probe alone: %1 (RDP)</source>
        <translation>Allein von der Probe verbrauchtes ε: %1 (RDP)</translation>
    </message>
    <message>
        <source>, %1 (PRV)</source>
        <translation>, %1 (PRV)</translation>
    </message>
    <message>
        <source>ε of probe + training under RDP (an upper bound): %1</source>
        <translation>ε von Probe + Training unter RDP (eine obere Schranke): %1</translation>
    </message>
    <message>
        <source>Trainable LoRA parameters: DP-SAPF %1–%2 (%3 of %4 matrices, depending on the probe), DP-LoRA %5 (all %4)</source>
        <translation>Trainierbare LoRA-Parameter: DP-SAPF %1–%2 (%3 von %4 Matrizen, je nach Probe), DP-LoRA %5 (alle %4)</translation>
    </message>
    <message>
        <source>Runtime: %1</source>
        <translation>Laufzeit: %1</translation>
    </message>
    <message>
        <source>Memory: %1</source>
        <translation>Speicher: %1</translation>
    </message>
    <message>
        <source>ε above 10 gives weak protection: an attacker may learn much more about an individual than with ε ≤ 10.</source>
        <translation>ε über 10 bietet nur schwachen Schutz: Ein Angreifer kann über eine einzelne Person viel mehr erfahren als mit ε ≤ 10.</translation>
    </message>
    <message>
        <source>c ≥ 0.6 is where the paper reports collapse: too many adapters share the noise. 0.2–0.4 works best.</source>
        <translation>Ab c ≥ 0,6 berichtet das Paper von einem Kollaps: Zu viele Adapter teilen sich das Rauschen. 0,2–0,4 funktioniert am besten.</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::SaliencyHeatmap</name>
    <message>
        <source>noisy saliency score</source>
        <translation>verrauschter Salienz-Score</translation>
    </message>
    <message>
        <source>no saliency scores yet</source>
        <translation>noch keine Salienz-Scores</translation>
    </message>
    <message>
        <source>%1 %2: no score (not a probe candidate)</source>
        <translation>%1 %2: kein Score (kein Kandidat der Probe)</translation>
    </message>
    <message>
        <source>noisy score: %1</source>
        <translation>verrauschter Score: %1</translation>
    </message>
    <message>
        <source>(≤ 0 after noise)</source>
        <translation>(≤ 0 nach dem Rauschen)</translation>
    </message>
    <message>
        <source>shape: %1</source>
        <translation>Form: %1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>rank %1 of %2</source>
        <translation>Rang %1 von %2</translation>
    </message>
    <message>
        <source>not ranked</source>
        <translation>ohne Rang</translation>
    </message>
    <message>
        <source>selected</source>
        <translation>ausgewählt</translation>
    </message>
    <message>
        <source>not selected</source>
        <translation>nicht ausgewählt</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::SaliencyPanel</name>
    <message>
        <source>&amp;Logarithmic colour scale</source>
        <translation>&amp;Logarithmische Farbskala</translation>
    </message>
    <message>
        <source>Run the &amp;probe</source>
        <translation>&amp;Probe ausführen</translation>
    </message>
    <message>
        <source>&amp;Apply this ratio to the run</source>
        <translation>Dieses Verhältnis auf den Lauf an&amp;wenden</translation>
    </message>
    <message>
        <source>Selection ratio c: the top fraction of matrices by noisy saliency gets LoRA adapters. Re-selecting uses only the noisy scores, so it costs no privacy.</source>
        <translation>Auswahlverhältnis c: Der Anteil der Matrizen mit der höchsten verrauschten Salienz erhält LoRA-Adapter. Eine Neuauswahl verwendet nur die verrauschten Scores und kostet daher kein Privacy-Budget.</translation>
    </message>
    <message>
        <source>Prepares the run and measures each attention matrix&apos;s saliency on the sensitive data with calibrated noise (charged to the privacy budget).</source>
        <translation>Bereitet den Lauf vor und misst die Salienz jeder Attention-Matrix auf den sensiblen Daten mit kalibriertem Rauschen (wird auf das Privacy-Budget angerechnet).</translation>
    </message>
    <message>
        <source>Selection &amp;ratio c:</source>
        <translation>Auswahl&amp;verhältnis c:</translation>
    </message>
    <message>
        <source>Open or start a run to see the saliency of each attention matrix.</source>
        <translation>Öffnen oder starten Sie einen Lauf, um die Salienz jeder Attention-Matrix zu sehen.</translation>
    </message>
    <message>
        <source>Re-selecting costs no privacy: it only reorders the noisy scores.</source>
        <translation>Eine Neuauswahl kostet kein Privacy-Budget: Sie ordnet nur die verrauschten Scores neu.</translation>
    </message>
    <message>
        <source>%1 of %2 matrices selected (outlined). %3</source>
        <translation>%1 von %2 Matrizen ausgewählt (umrandet). %3</translation>
    </message>
</context>
<context>
    <name>dpsapf::ui::TrainPanel</name>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Stop after &amp;checkpoint</source>
        <translation>Nach &amp;Checkpoint anhalten</translation>
    </message>
    <message>
        <source>Stop &amp;now</source>
        <translation>Sofort a&amp;nhalten</translation>
    </message>
    <message>
        <source>Runs the remaining stages: probe, selection, DP training, generation and export. A stopped run continues from its last checkpoint.</source>
        <translation>Führt die verbleibenden Phasen aus: Probe, Auswahl, DP-Training, Erzeugung und Export. Ein angehaltener Lauf wird an seinem letzten Checkpoint fortgesetzt.</translation>
    </message>
    <message>
        <source>Finishes steps up to the next checkpoint, saves it and stops; Start continues from there.</source>
        <translation>Führt die Schritte bis zum nächsten Checkpoint aus, speichert ihn und hält an; „Starten“ setzt dort fort.</translation>
    </message>
    <message>
        <source>Stops at once; steps since the last checkpoint are repeated when the run continues.</source>
        <translation>Hält sofort an; Schritte seit dem letzten Checkpoint werden beim Fortsetzen wiederholt.</translation>
    </message>
    <message>
        <source>No run is open: choose data and a budget, then start a new run (File &gt; New run), or open one.</source>
        <translation>Kein Lauf geöffnet: Wählen Sie Daten und ein Budget und starten Sie dann einen neuen Lauf (Datei &gt; Neuer Lauf) oder öffnen Sie einen.</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Stage: %1</source>
        <translation>Phase: %1</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <source> · loss %1</source>
        <translation> · Verlust %1</translation>
    </message>
    <message>
        <source> · ε spent %1 (RDP bound)</source>
        <translation> · ε verbraucht %1 (RDP-Schranke)</translation>
    </message>
    <message>
        <source>Loss, FID and accuracy are computed on the sensitive data for you to judge the run; they are not covered by the differential privacy guarantee and are never exported.</source>
        <translation>Verlust, FID und Genauigkeit werden auf den sensiblen Daten berechnet, damit Sie den Lauf beurteilen können; sie sind nicht durch die Differential-Privacy-Garantie abgedeckt und werden nie exportiert.</translation>
    </message>
</context>
</TS>
