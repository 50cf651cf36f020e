import PortalCLI

await SparkPortalCommand.main()
