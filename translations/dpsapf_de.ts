<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
</context>
</TS>
