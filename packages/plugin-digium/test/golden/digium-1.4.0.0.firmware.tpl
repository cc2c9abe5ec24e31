{#- The firmware of this plugin's version, one element per model. The phone compares `version` with what it runs and,
    when they differ, downloads `url` (installed by the `firmware` package into tftpboot/Digium/firmware/). #}
    <firmware model="D40" version="1_4_0_0_57389" url="{{ XX_server_url }}/Digium/firmware/1_4_0_0_57389_D40_firmware.eff"/>
    <firmware model="D50" version="1_4_0_0_57389" url="{{ XX_server_url }}/Digium/firmware/1_4_0_0_57389_D50_firmware.eff"/>
    <firmware model="D70" version="1_4_0_0_57389" url="{{ XX_server_url }}/Digium/firmware/1_4_0_0_57389_D70_firmware.eff"/>
